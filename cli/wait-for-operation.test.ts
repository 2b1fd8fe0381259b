import { describe, expect, it } from 'vitest';
import type { ApiClient } from './api-client.ts';
import { waitForOperation } from './wait-for-operation.ts';

function operationsAnswering(answers: Record<string, unknown>[]): Pick<ApiClient, 'call'> & { calls: number } {
  const client = {
    calls: 0,
    async call() {
      const answer = answers[Math.min(client.calls, answers.length - 1)]!;
      client.calls++;
      return answer;
    },
  };
  return client;
}

describe('waitForOperation', () => {
  it('polls until the operation is done and returns it', async () => {
    const client = operationsAnswering([{ done: false }, { done: false }, { done: true, response: { state: 'ENABLED' } }]);
    await expect(waitForOperation(client, 'ops/1', { pollMs: 1 })).resolves.toEqual({ done: true, response: { state: 'ENABLED' } });
    expect(client.calls).toBe(3);
  });

  it('gives up with the operation named once it runs longer than any deploy can', async () => {
    const client = operationsAnswering([{ done: false }]);
    await expect(waitForOperation(client, 'ops/stuck', { timeoutMs: 20, pollMs: 1 })).rejects.toThrow(
      /Operation ops\/stuck is still running .* is the deploy worker running\? Check later with: agentline agents operation ops\/stuck/,
    );
  });
});
