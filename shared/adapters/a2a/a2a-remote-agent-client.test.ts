import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseA2aAgentCard, type A2aEndpoint } from '../../domain/a2a-agent-card.ts';
import { AgentlineError } from '../../domain/errors.ts';
import { startA2aTestServer, type A2aTestServer } from '../../testing/a2a-test-server.ts';
import { createGuardedFetch } from '../http/guarded-fetch.ts';
import { A2aRemoteAgentClient } from './a2a-remote-agent-client.ts';

let server: A2aTestServer;
let v10: A2aEndpoint;
let v03: A2aEndpoint;
const guarded = createGuardedFetch({ allowLoopback: true, timeoutMs: 10_000, maxResponseBytes: 1_000_000 });
const client = new A2aRemoteAgentClient(guarded.fetch);
const long = { followMs: 10_000 };
/** A message in its own remote context. */
const message = (messageId: string, text: string) => ({ messageId, contextId: `context-${messageId}`, text });

beforeAll(async () => {
  server = await startA2aTestServer({ slowMs: 400 });
  v10 = parseA2aAgentCard(server.cardJson()).endpoint;
  v03 = parseA2aAgentCard(server.v03CardJson()).endpoint;
});

afterAll(async () => {
  await guarded.close();
  await server.close();
});

describe('A2aRemoteAgentClient', () => {
  it.each([
    ['v1.0', () => v10],
    ['v0.3', () => v03],
  ])('gets the answer of a task that goes submitted, working, completed, in the context it sent (%s)', async (_version, endpoint) => {
    const snapshot = await client.send(endpoint(), message(`m-${_version}`, 'hello'), long);
    expect(snapshot).toMatchObject({ state: 'completed', text: 'echo: hello' });
    expect(snapshot.taskId).toEqual(expect.any(String));
    expect(server.received).toContainEqual({ messageId: `m-${_version}`, contextId: `context-m-${_version}`, text: 'hello' });
  });

  it('takes a plain message reply as a finished answer without a task', async () => {
    expect(await client.send(v10, message('m-plain', 'plain hi'), long)).toEqual({ state: 'completed', text: 'echo: plain hi' });
  });

  it.each([
    ['fail now', { state: 'failed', text: 'The remote agent broke' }],
    ['ask me', { state: 'input-required', text: 'Which city do you mean?' }],
  ])('reports the state and status message of a task that stops (%s)', async (text, expected) => {
    expect(await client.send(v10, message(`m-${text}`, text), long)).toMatchObject(expected);
  });

  it('returns a task still working when following runs out, and follows it to the end later', async () => {
    const first = await client.send(v10, message('m-slow', 'slow one'), { followMs: 0 });
    expect(first.state === 'submitted' || first.state === 'working').toBe(true);
    const later = await client.follow(v10, first.taskId ?? '', long);
    expect(later).toEqual({ state: 'completed', taskId: first.taskId, text: 'echo: slow one' });
  });

  it('reports an unknown task as a permanent A2A error with the remote words', async () => {
    const error = await client.follow(v10, 'no-such-task', long).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentlineError);
    expect(error).toMatchObject({ code: 'A2A_ERROR', retryable: false });
    expect((error as Error).message).toMatch(/^Remote agent at .* answered JSON-RPC error -32001: /);
  });

  it('reports an endpoint nobody listens on as transient', async () => {
    const gone = { ...v10, url: 'http://127.0.0.1:1/a2a/jsonrpc' };
    const error = await client.send(gone, message('m-gone', 'hello'), long).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ retryable: true });
  });
});
