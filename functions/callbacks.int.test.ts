import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackSecretFor, localCallbackSigningKey } from '../shared/domain/callback-secret.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { createAgentsApiClient } from '../shared/testing/agents-api-client.ts';
import { startCallbackReceiver } from '../shared/testing/callback-receiver.ts';
import { textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';
import { verifyStandardWebhook } from '../shared/webhooks/verify-standard-webhook.ts';

let stack: LocalStack;
let gemini: GeminiWireServer;

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  // Short backoff, so three attempts take well under a second.
  stack = await startTestStack('callbacks', {
    env: { ...geminiWireTestEnv(gemini.url), AGENTLINE_CALLBACK_RETRY_BASE_MS: '50', AGENTLINE_CALLBACK_RETRY_MAX_MS: '200', AGENTLINE_CALLBACK_TIMEOUT_SECONDS: '2' },
  });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

const agent = { configYaml: 'name: answerer\ninstruction: Answer briefly.\n', fileName: 'answerer.yaml' };

describe('result callbacks on the emulators', () => {
  it('delivers to a receiver that fails twice then succeeds exactly one accepted, verifiable callback, with three attempts recorded and the run unchanged', async () => {
    const receiver = await startCallbackReceiver([500, 502, 200]);
    try {
      gemini.script([textReply('forty-two')]);
      const runId = await submitToStack(stack, { schemaVersion: 1, agent, input: 'the answer?', userId: 'ada', idempotencyKey: `callback-${Date.now()}`, callback: { url: receiver.url } });
      await expect.poll(async () => (await stack.deps.callbacks.getCallback({ kind: 'run', id: runId }))?.state, { timeout: 20_000 }).toBe('DELIVERED');
      const run = await stack.deps.store.getRun(runId);
      const callback = (await stack.deps.callbacks.getCallback({ kind: 'run', id: runId }))!;

      expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'forty-two' }, callback: { url: receiver.url } });
      // Last written by the transition that ended it, before any callback attempt.
      expect(run!.updateTime).toBe(run!.endTime);
      expect(callback.attempts[0]!.startTime).toBeGreaterThanOrEqual(run!.endTime!);
      expect(callback.attempts.map((attempt) => attempt.status)).toEqual([500, 502, 200]);
      expect(receiver.received).toHaveLength(3);
      expect(receiver.accepted()).toHaveLength(1);
      const [accepted] = receiver.accepted();
      const secret = callbackSecretFor(localCallbackSigningKey(stack.localAuthSecret), 'ada');
      expect(verifyStandardWebhook({ body: accepted!.body, headers: accepted!.headers, secrets: [secret], now: Date.now() })).toMatchObject({ ok: true, deliveryId: `cb_${runId}` });
      expect(JSON.parse(accepted!.body.toString('utf8'))).toMatchObject({ name: `runs/${runId}`, state: 'SUCCEEDED', output: { text: 'forty-two' } });
      // Delivering the callback wrote nothing to the run.
      expect(await stack.deps.store.getRun(runId)).toEqual(run);
    } finally {
      await receiver.close();
    }
  });

  it("delivers a batch's outcome to its callback when its last item ends, signed with its creator's secret", async () => {
    const receiver = await startCallbackReceiver([503, 200]);
    try {
      gemini.script([textReply('one'), textReply('two'), textReply('three')]);
      const api = createAgentsApiClient(stack.functionsUrl, { ada: await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }) });
      const created = await api.call('ada', 'POST', `batches?requestId=callback-${Date.now()}`, { agent, items: ['a', 'b', 'c'], concurrency: 2, callback: { url: receiver.url } });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const batchId = created.body['batchId'] as string;
      await expect.poll(async () => (await stack.deps.callbacks.getCallback({ kind: 'batch', id: batchId }))?.state, { timeout: 30_000 }).toBe('DELIVERED');
      const [accepted] = receiver.accepted();
      const secret = callbackSecretFor(localCallbackSigningKey(stack.localAuthSecret), 'ada');
      expect(verifyStandardWebhook({ body: accepted!.body, headers: accepted!.headers, secrets: [secret], now: Date.now() })).toMatchObject({ ok: true, deliveryId: `cb_${batchId}` });
      expect(JSON.parse(accepted!.body.toString('utf8'))).toMatchObject({ name: `batches/${batchId}`, state: 'SUCCEEDED', totals: { succeeded: 3, modelRequests: 3 } });
      expect((await api.call('ada', 'GET', `batches/${batchId}`)).body).toMatchObject({ callback: { url: receiver.url, state: 'DELIVERED', attempts: [{ status: 503 }, { status: 200 }] } });
    } finally {
      await receiver.close();
    }
  });
});
