import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../engine/delivery.ts';
import { modelText, ScriptedModel } from '../testing/scripted-model.ts';
import { submitToStack } from '../testing/submit-to-stack.ts';
import { startTestStack } from '../testing/test-stack.ts';
import { Firestore } from '@google-cloud/firestore';
import { FirestoreRunStore } from '../adapters/firestore/firestore-run-store.ts';
import { testRetention } from '../adapters/in-memory/in-memory-run-store.ts';
import { startLocalStack, type LocalStack } from './start-local-stack.ts';

// A graceful stop must stop taking work before it drains and saves: a push arriving once the stop
// began is refused, and the save waits for the handlers in flight, so it holds what they
// committed and counts every model request they sent.
const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

function latch() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

// What the Pub/Sub emulator POSTs to a push endpoint (never with empty data: functions-framework does not convert such a push into a CloudEvent).
function push(url: string): Promise<Response> {
  const message = { data: Buffer.from('{}').toString('base64'), attributes: {}, messageId: String(Date.now()), publishTime: new Date().toISOString() };
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subscription: 'projects/p/subscriptions/s', message }) });
}

const snapshotsIn = async (folder: string) => (await readdir(folder)).filter((name) => name.startsWith('snapshot-'));

describe('stopping a local stack', () => {
  it('answers a push that arrives once the stop began with 503, and saves only after the handler in flight finished, with its commit', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agentline-stop-order-'));
    folders.push(dataDir);
    const entered = latch();
    const release = latch();
    const stack: LocalStack = await startLocalStack({
      projectId: 'stop-order',
      dataDir,
      saveIntervalMs: 0,
      sweepIntervalMs: 0,
      env: { AGENTLINE_LOG_LEVEL: 'silent' },
      wrapHandlers: (handlers) => ({
        ...handlers,
        controlRun: async () => {
          entered.open();
          await release.opened;
          await stack.deps.firestore.doc('stop-order/in-flight').set({ committed: true });
        },
      }),
    });
    let stopping: Promise<void> | undefined;
    try {
      const endpoint = `${stack.functionsUrl}/controlRun/projects/stop-order/topics/t`;
      const inFlight = push(endpoint);
      await entered.opened;

      stopping = stack.stop();
      const late = await push(endpoint);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const savedWhileHeld = await snapshotsIn(dataDir);
      release.open();
      await stopping;

      expect(late.status).toBe(503);
      expect((await inFlight).status).toBe(204);
      expect(savedWhileHeld).toEqual([]);
      expect(await snapshotsIn(dataDir)).toHaveLength(1);
    } finally {
      release.open();
      await (stopping ?? stack.stop());
    }

    const next = await startLocalStack({ projectId: 'stop-order', dataDir, sweepIntervalMs: 0, env: { AGENTLINE_LOG_LEVEL: 'silent' } });
    try {
      expect((await next.deps.firestore.doc('stop-order/in-flight').get()).data()).toEqual({ committed: true });
    } finally {
      await next.stop();
    }
  });

  it('counts in its data every model request a handler still running sends once the stop began', async () => {
    const model = new ScriptedModel([modelText('sent while stopping')]);
    const entered = latch();
    const release = latch();
    const projectId = `stop-count-${process.pid}`;
    const stack = await startTestStack('stop-count', {
      env: { AGENTLINE_LOG_LEVEL: 'silent' },
      decorate: (deps) => ({ ...deps, model }),
      // The model step's delivery is in flight, held before its claim, when the stop begins.
      wrapHandlers: (handlers) => ({
        ...handlers,
        modelStep: async (delivery: Delivery) => {
          entered.open();
          await release.opened;
          return handlers.modelStep(delivery);
        },
      }),
    });
    let runId: string;
    try {
      const agent = { configYaml: 'name: count_agent\ninstruction: Answer.\n', fileName: 'count.yaml' };
      runId = await submitToStack(stack, { schemaVersion: 1, agent, input: 'hello', runConfig: {}, idempotencyKey: `count-${Date.now()}` });
      await entered.opened;
      const stopping = stack.stop();
      release.open();
      await stopping;
    } finally {
      release.open();
      await stack.stop();
    }
    // Read what the stack left, through a store of our own on the same emulator.
    const firestore = new Firestore({ projectId, ignoreUndefinedProperties: true });
    try {
      const run = await new FirestoreRunStore(firestore, testRetention).getRun(runId);
      // The held handler ran during the drain: it claimed, sent its request and committed.
      expect(model.requests).toHaveLength(1);
      expect(run!.llmCallCount).toBe(1);
    } finally {
      await firestore.terminate();
    }
  });
});
