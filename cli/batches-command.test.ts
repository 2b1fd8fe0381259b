import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiHandlersOverWorld, tokenOverWorld } from '../shared/testing/agents-api-over-world.ts';
import { modelText, ScriptedModel } from '../shared/testing/scripted-model.ts';
import { createInMemoryWorld } from '../shared/wiring/create-in-memory-world.ts';
import { createApiClient } from './api-client.ts';
import { renderBatchProgress } from './batch-progress.ts';
import { batchBody, followBatch, writeReport } from './batches-command.ts';
import { tempFolder } from '../shared/testing/temp-folder.ts';

// The batches commands' calls, made by the CLI's own API client over HTTP to the API's router,
// with the batch workers running the items in an in-memory world.
const servers: ServerType[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function startApi(replies: number) {
  const world = createInMemoryWorld({ model: new ScriptedModel(Array.from({ length: replies }, (_, n) => modelText(`answer ${n}`))) });
  const api = createApiHandlersOverWorld(world);
  world.queue.subscribe('batch-fan-out', api.fanOutBatch);
  world.queue.subscribe('batch-item', api.advanceBatch);
  const server = serve({ fetch: api.api, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return createApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, await tokenOverWorld('ada'));
}

describe('agentline batches', () => {
  it('creates a batch from an agent file and a JSON Lines file, follows it with a progress bar to its end, and writes the report as JSON Lines', async () => {
    const client = await startApi(3);
    const folder = await tempFolder('agentline-cli-batch');
    await writeFile(join(folder, 'agent.yaml'), 'name: echo\ninstruction: Echo.\n');
    await writeFile(join(folder, 'items.jsonl'), '{"q":"one"}\n{"q":"two"}\n{"q":"three"}\n');
    const body = await batchBody({ agent: join(folder, 'agent.yaml'), 'items-file': join(folder, 'items.jsonl'), template: 'Echo {{ q }}', concurrency: '2', callback: 'https://example.com/hook' });
    expect(body).toMatchObject({ agent: { configYaml: 'name: echo\ninstruction: Echo.\n' }, jsonlPath: join(folder, 'items.jsonl'), inputTemplate: 'Echo {{ q }}', concurrency: 2, callback: { url: 'https://example.com/hook' } });
    const created = await client.call('POST', 'batches', { query: { requestId: 'cli-1' }, body });
    const lines: string[] = [];
    const ended = await followBatch(client, String(created['name']), { deadline: Date.now() + 10_000, progress: (line) => lines.push(line), intervalMs: 10 });
    expect(ended.state).toBe('SUCCEEDED');
    expect(lines.at(-1)).toBe(`[${'#'.repeat(30)}] 3/3 ended (3 succeeded, 0 failed, 0 cancelled), 0 running · SUCCEEDED`);
    const out = join(folder, 'report.jsonl');
    expect(await writeReport(client, String(created['name']), out)).toBe(3);
    const report = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(report.slice(0, 3).map((line) => [line['index'], line['input'], line['state']])).toEqual([
      [0, 'Echo one', 'SUCCEEDED'],
      [1, 'Echo two', 'SUCCEEDED'],
      [2, 'Echo three', 'SUCCEEDED'],
    ]);
    expect(report[3]).toMatchObject({ state: 'SUCCEEDED', totals: { succeeded: 3, modelRequests: 3 } });
  });

  it('draws the bar over the items read so far until the source is read', () => {
    expect(renderBatchProgress({ name: 'batches/b', state: 'RUNNING', counts: { queued: 150, running: 20, succeeded: 28, failed: 2, cancelled: 0 } })).toBe(
      '[####..........................] 30/200+ ended (28 succeeded, 2 failed, 0 cancelled), 20 running · RUNNING',
    );
  });

  it('refuses a create without exactly one source, or with a concurrency out of range', async () => {
    await expect(batchBody({ agent: 'projects/p/locations/l/collections/c/engines/e/agents/a' })).rejects.toThrow(/exactly one of --items-file/);
    await expect(batchBody({ agent: 'projects/p/locations/l/collections/c/engines/e/agents/a', items: '["a"]', concurrency: '500' })).rejects.toThrow(/--concurrency must be a whole number from 1 to 100/);
  });
});
