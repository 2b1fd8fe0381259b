import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { FirestoreBatchStore } from '../shared/adapters/firestore/firestore-batch-store.ts';
import { testRetention } from '../shared/adapters/in-memory/in-memory-run-store.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { createAgentsApiClient, type AgentsApiClient } from '../shared/testing/agents-api-client.ts';
import { textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';
import { until } from '../shared/testing/until.ts';
import { tempFolder } from '../shared/testing/temp-folder.ts';

// A batch on the emulators: the API creates it, the fan-out reads a JSON Lines file of the local
// stack a chunk at a time, every item's run goes through the real pipeline, and the item ends
// move the lanes on. Active runs are sampled from the items' states as the batch runs.
let stack: LocalStack;
let gemini: GeminiWireServer;
let api: AgentsApiClient;
const agent = { configYaml: 'name: summariser\ninstruction: Summarise the item in one word.\n', fileName: 'summariser.yaml' };

beforeAll(async () => {
  gemini = await startGeminiWireServer({ respond: (request) => textReply(`summary of ${JSON.stringify(request.body).length}`) });
  stack = await startTestStack('batches', { env: { ...geminiWireTestEnv(gemini.url), AGENTLINE_LOG_LEVEL: 'silent' } });
  api = createAgentsApiClient(stack.functionsUrl, { ada: await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }) });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

describe('batches on the local stack', () => {
  it('runs 500 items from a JSON Lines file with concurrency 20: never more than 20 active, every item exactly once, the report complete', async () => {
    const path = join(await tempFolder('agentline-batch'), 'documents.jsonl');
    await writeFile(path, Array.from({ length: 500 }, (_, n) => JSON.stringify({ id: n, text: `document ${n}` })).join('\n'));
    const created = await api.call('ada', 'POST', 'batches?requestId=docs-500', { agent, jsonlPath: path, inputTemplate: 'Summarise {{ text }}', concurrency: 20 });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const name = created.body['name'] as string;
    const batches = new FirestoreBatchStore(stack.deps.firestore, testRetention);
    const batchId = name.slice('batches/'.length);
    let maxRunning = 0;
    let state = '';
    await until(async () => {
      maxRunning = Math.max(maxRunning, (await batches.countItems(batchId)).RUNNING);
      state = (await api.call('ada', 'GET', name)).body['state'];
      return state === 'SUCCEEDED';
    }, 240_000);
    expect(maxRunning).toBeLessThanOrEqual(20);
    expect(maxRunning).toBeGreaterThan(1);
    const done = (await api.call('ada', 'GET', name)).body;
    expect(done).toMatchObject({ itemCount: 500, counts: { queued: 0, running: 0, succeeded: 500, failed: 0, cancelled: 0 }, totals: { succeeded: 500, modelRequests: 500 } });
    const lines: Record<string, any>[] = [];
    for (let pageToken = ''; ; ) {
      const page = (await api.call('ada', 'GET', `${name}/report?pageSize=200${pageToken ? `&pageToken=${pageToken}` : ''}`)).body;
      lines.push(...page['items']);
      if (!page['nextPageToken']) break;
      pageToken = encodeURIComponent(page['nextPageToken']);
    }
    expect(lines.map((line) => line['index'])).toEqual(Array.from({ length: 500 }, (_, n) => n));
    expect(new Set(lines.map((line) => line['run'])).size).toBe(500);
    expect(lines[42]).toMatchObject({ state: 'SUCCEEDED', input: 'Summarise document 42', output: expect.stringMatching(/^summary of/) });
    // Each item's run asked the model once, with its own input.
    const asked = gemini.requests.map((request) => JSON.stringify(request.body)).filter((body) => body.includes('Summarise document'));
    expect(asked).toHaveLength(500);
  }, 300_000);

  it('cancelled mid-way starts no new item and ends the running ones as cancelled', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    gemini.script(Array.from({ length: 5 }, () => ({ ...textReply('late'), until: held })));
    const before = gemini.requests.length;
    const created = await api.call('ada', 'POST', 'batches?requestId=cancel-100', { agent, items: Array.from({ length: 100 }, (_, n) => `item ${n}`), concurrency: 5 });
    const name = created.body['name'] as string;
    // The emulator pushes at most two messages of one subscription at once, so two model calls
    // are held while the other started runs wait for theirs.
    await until(() => gemini.requests.length - before >= 2, 30_000);
    const cancelled = await api.call('ada', 'POST', `${name}:cancel`, {});
    expect(cancelled.body['state'], JSON.stringify(cancelled.body)).toMatch(/^CANCELL/);
    const askedBeforeCancel = gemini.requests.length - before;
    // The cancellations take effect before the held model calls answer (an answer that came
    // first would let its run succeed: a run ends once, whichever comes first).
    const started = ((await api.call('ada', 'GET', `${name}/report?pageSize=200`)).body['items'] as Record<string, any>[]).filter((line) => line['run']);
    expect(started).toHaveLength(5);
    await until(async () => {
      const runs = await Promise.all(started.map((line) => stack.deps.store.getRun(line['run'].slice('runs/'.length))));
      return runs.every((run) => run?.state === 'CANCELLED');
    }, 30_000);
    release();
    await until(async () => (await api.call('ada', 'GET', name)).body['state'] === 'CANCELLED', 30_000);
    const ended = (await api.call('ada', 'GET', name)).body;
    expect(ended).toMatchObject({ counts: { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 100 } });
    // No run asked the model after the cancel, and no item started after it.
    expect(gemini.requests.length - before).toBe(askedBeforeCancel);
    const report = (await api.call('ada', 'GET', `${name}/report?pageSize=200`)).body['items'] as Record<string, any>[];
    expect(report.filter((line) => line['run'])).toHaveLength(5);
    expect(report.every((line) => line['state'] === 'CANCELLED')).toBe(true);
  }, 120_000);
});
