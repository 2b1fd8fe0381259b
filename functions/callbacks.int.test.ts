import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackSecretFor, localCallbackSigningKey } from '../shared/domain/callback-secret.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
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
      await expect.poll(async () => (await stack.deps.callbacks.getCallback(runId))?.state, { timeout: 20_000 }).toBe('DELIVERED');
      const run = await stack.deps.store.getRun(runId);
      const callback = (await stack.deps.callbacks.getCallback(runId))!;

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
});
