import { afterEach, describe, expect, it } from 'vitest';
import { callbackSecretFor } from '../domain/callback-secret.ts';
import { toRunView } from '../domain/run-view.ts';
import type { StepSettings } from '../engine/deps.ts';
import { sweep } from '../engine/sweep.ts';
import { startCallbackReceiver } from '../testing/callback-receiver.ts';
import { ScriptedModel, modelText } from '../testing/scripted-model.ts';
import { verifyStandardWebhook } from '../webhooks/verify-standard-webhook.ts';
import { createInMemoryWorld, testCallbackSigningKey } from '../wiring/create-in-memory-world.ts';

const agent = { configYaml: 'name: answerer\ninstruction: Answer briefly.\n', fileName: 'answerer.yaml' };
/** Short bounds, so a test sees every attempt in milliseconds. */
const fast: StepSettings['callback'] = { timeoutMs: 300, maxAttempts: 3, maxTotalMs: 60_000, baseDelayMs: 20, maxDelayMs: 50, allowHttp: true };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function world(options: Parameters<typeof createInMemoryWorld>[0]) {
  const created = createInMemoryWorld(options);
  cleanups.push(() => created.close());
  return created;
}

async function receiver(...replies: Parameters<typeof startCallbackReceiver>[0]) {
  const started = await startCallbackReceiver(replies);
  cleanups.push(() => started.close());
  return started;
}

/** The run's callback delivery once it is no longer PENDING. */
async function finishedCallback(w: ReturnType<typeof world>, runId: string) {
  await expect.poll(async () => ['DELIVERED', 'GAVE_UP'].includes((await w.deps.callbacks.getCallback({ kind: 'run', id: runId }))?.state ?? 'none'), { timeout: 10_000 }).toBe(true);
  return (await w.deps.callbacks.getCallback({ kind: 'run', id: runId }))!;
}

describe('result callbacks', () => {
  it('delivers to a receiver that fails twice then succeeds exactly one accepted callback, verifiable with the user’s secret, with three attempts recorded', async () => {
    const hook = await receiver(500, 500, 204);
    const w = world({ model: new ScriptedModel([modelText('forty-two')]), settings: { callback: fast } });
    const runId = w.submit({ agent, input: 'the answer?', userId: 'ada@example.com', callback: { url: hook.url } });
    const run = await w.waitForRun(runId);
    const callback = await finishedCallback(w, runId);

    expect(callback).toMatchObject({ state: 'DELIVERED', attempt: 3, url: hook.url });
    expect(callback.attempts.map((attempt) => attempt.status)).toEqual([500, 500, 204]);
    expect(hook.received).toHaveLength(3);
    expect(hook.accepted()).toHaveLength(1);
    const [accepted] = hook.accepted();
    const secret = callbackSecretFor(testCallbackSigningKey, 'ada@example.com');
    expect(verifyStandardWebhook({ body: accepted!.body, headers: accepted!.headers, secrets: [secret], now: Date.now() })).toMatchObject({ ok: true, deliveryId: `cb_${runId}` });
    // Every attempt names the same delivery, so a receiver dedupes by webhook-id.
    expect(new Set(hook.received.map((request) => request.headers['webhook-id']))).toEqual(new Set([`cb_${runId}`]));
    const payload = JSON.parse(accepted!.body.toString('utf8'));
    expect(payload).toMatchObject({ name: `runs/${runId}`, state: 'SUCCEEDED', output: { text: 'forty-two' }, userId: 'ada@example.com' });
    expect(payload).not.toHaveProperty('callback');

    // The run is exactly as it ended; its view shows the delivery.
    expect(await w.store.getRun(runId)).toEqual(run);
    expect(toRunView(run, callback)['callback']).toMatchObject({ url: hook.url, state: 'DELIVERED', attempts: [{ number: 1, status: 500 }, { number: 2, status: 500 }, { number: 3, status: 204 }] });
  });

  it('gives up on a receiver that never answers after its bounded attempts, each timed out and recorded, and leaves the run as it ended', async () => {
    const hook = await receiver('hang');
    const w = world({ model: new ScriptedModel([modelText('done')]), settings: { callback: { ...fast, timeoutMs: 150 } } });
    const runId = w.submit({ agent, input: 'hello', userId: 'ada', callback: { url: hook.url } });
    const run = await w.waitForRun(runId);
    const callback = await finishedCallback(w, runId);

    expect(callback.state).toBe('GAVE_UP');
    expect(callback.attempts).toHaveLength(3);
    for (const attempt of callback.attempts) {
      expect(attempt.error?.code).toBe('DEADLINE_EXCEEDED');
      expect(attempt.durationMs).toBeGreaterThanOrEqual(140);
    }
    expect(hook.received).toHaveLength(3);
    expect(await w.store.getRun(runId)).toEqual(run);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'done' } });
  });

  it.each([
    ['a private address', 'http://10.20.30.40/hook'],
    ['the metadata server', 'http://169.254.169.254/computeMetadata/v1/'],
    ['the metadata server by name', 'http://metadata.google.internal/computeMetadata/v1/'],
  ])('refuses a receiver at %s once, records it and does not retry', async (_where, url) => {
    const w = world({ model: new ScriptedModel([modelText('done')]), settings: { callback: fast } });
    const runId = w.submit({ agent, input: 'hello', userId: 'ada', callback: { url } });
    const run = await w.waitForRun(runId);
    const callback = await finishedCallback(w, runId);

    expect(callback).toMatchObject({ state: 'GAVE_UP', attempt: 1, attempts: [{ number: 1, error: { code: 'OUTBOUND_ADDRESS_REFUSED' } }] });
    expect(callback.dueTime).toBeUndefined();
    expect(w.delayQueue.pending).toBe(0);
    expect(await w.store.getRun(runId)).toEqual(run);
  });

  it('never POSTs one attempt twice at once when its message is delivered several times together', async () => {
    const hook = await receiver({ status: 204, afterMs: 100 });
    const w = world({ model: new ScriptedModel([modelText('done')]), settings: { callback: fast } });
    const runId = w.submit({ agent, input: 'hello', userId: 'ada', callback: { url: hook.url } });
    await w.waitForRun(runId);
    const message = () => w.queue.publishRaw('callback', Buffer.from(JSON.stringify({ schemaVersion: 1, runId })));
    message();
    message();
    await finishedCallback(w, runId);
    message();
    await w.queue.idle();
    expect(hook.received).toHaveLength(1);
    expect((await w.deps.callbacks.getCallback({ kind: 'run', id: runId }))?.attempts).toHaveLength(1);
  });

  it('re-drives through the sweeper a retry whose delayed message was lost', async () => {
    const hook = await receiver(503, 204);
    const lost: string[] = [];
    const w = world({
      model: new ScriptedModel([modelText('done')]),
      settings: { callback: fast, sweep: { graceMs: 0, batchSize: 10, deletesExpired: false } },
      decorate: (deps) => ({
        ...deps,
        delayQueue: { schedule: async (message, delayMs, key) => (message.topic === 'callback' ? void lost.push(key) : deps.delayQueue.schedule(message, delayMs, key)) },
      }),
    });
    const runId = w.submit({ agent, input: 'hello', userId: 'ada', callback: { url: hook.url } });
    await w.waitForRun(runId);
    await expect.poll(() => lost, { timeout: 5_000 }).toHaveLength(1);
    const waiting = (await w.deps.callbacks.getCallback({ kind: 'run', id: runId }))!;
    expect(waiting).toMatchObject({ state: 'PENDING', attempts: [{ status: 503 }] });
    await new Promise((resolve) => setTimeout(resolve, waiting.dueTime! - Date.now() + 5));

    expect(await sweep(w.deps)).toMatchObject({ callbacksRedriven: 1 });
    expect(await finishedCallback(w, runId)).toMatchObject({ state: 'DELIVERED', redrives: 1, attempts: [{ status: 503 }, { status: 204 }] });
    expect(await sweep(w.deps)).toMatchObject({ callbacksRedriven: 0 });
  });

  it('refuses a callback for an anonymous run: the run fails at start with the reason and keeps no callback', async () => {
    const w = world({ model: new ScriptedModel([]), settings: { callback: fast } });
    const runId = w.submit({ agent, input: 'hello', userId: 'ada', callback: { url: 'https://example.com/hook' } }, { unproven: true });
    const run = await w.waitForRun(runId);
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'UNAUTHENTICATED' } });
    expect(run.error?.message).toContain('A callback needs a proven user');
    expect(run.callback).toBeUndefined();
    expect(w.queue.published.filter((message) => message.topic === 'callback')).toEqual([]);
  });

  it('refuses a plain-http callback where outbound loopback is not allowed', async () => {
    const w = world({ model: new ScriptedModel([]), settings: { callback: { ...fast, allowHttp: false } } });
    const runId = w.submit({ agent, input: 'hello', userId: 'ada', callback: { url: 'http://example.com/hook' } });
    expect(await w.waitForRun(runId)).toMatchObject({ state: 'FAILED', error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('must be https') } });
  });
});
