import { describe, expect, it } from 'vitest';
import { InMemoryArtifactStore } from '../adapters/in-memory/in-memory-artifact-store.ts';
import type { Content } from '../domain/content.ts';
import type { Run } from '../domain/run.ts';
import type { ModelRequest } from '../ports/model-client.ts';
import { inlineBudgetBytes, withArtifactParts } from './artifact-parts.ts';

const png = Buffer.from('89504e470d0a1a0a', 'hex');
const run = { runId: 'r1', userId: 'ada' } as Run;

async function storeWithChart() {
  const artifacts = new InMemoryArtifactStore();
  await artifacts.save({ userId: 'ada', runId: 'r1' }, { name: 'chart.png', data: png, contentType: 'image/png', provenance: { runId: 'r1' } });
  return artifacts;
}

function requestFor(model: string): ModelRequest {
  const turn: Content = {
    role: 'user',
    parts: [
      { functionResponse: { name: 'execute_code', response: { stdout: '15\n' }, artifacts: [{ name: 'chart.png', version: 0, contentType: 'image/png' }] } },
      { functionResponse: { name: 'calculator', response: { output: { result: '2' } } } },
    ],
  };
  return { model, contents: [{ role: 'user', parts: [{ text: 'go' }] }, turn], functionDeclarations: [], streaming: 'NONE' };
}

/** A request whose one user turn holds `files` after its text, as a run's input files are. */
function withFiles(files: { name: string; version: number; contentType: string }[]): ModelRequest {
  return { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'look' }, ...files.map((artifact) => ({ artifact }))] }], functionDeclarations: [], streaming: 'NONE' };
}

describe('withArtifactParts', () => {
  it('puts a function response\'s images after the turn\'s function responses for Gemini 2.5, without the references', async () => {
    const resolved = await withArtifactParts(requestFor('gemini-2.5-flash'), run, await storeWithChart());
    expect(resolved.contents[1]!.parts).toEqual([
      { functionResponse: { name: 'execute_code', response: { stdout: '15\n' } } },
      { functionResponse: { name: 'calculator', response: { output: { result: '2' } } } },
      { inlineData: { mimeType: 'image/png', data: png.toString('base64') } },
    ]);
  });

  it('puts them inside the function response for Gemini 3 (multimodal function responses)', async () => {
    const resolved = await withArtifactParts(requestFor('gemini-3-pro-preview'), run, await storeWithChart());
    expect(resolved.contents[1]!.parts[0]).toEqual({
      functionResponse: { name: 'execute_code', response: { stdout: '15\n' }, parts: [{ inlineData: { mimeType: 'image/png', data: png.toString('base64') } }] },
    });
  });

  it('reads only the run\'s own scope: another user\'s file of the same name is not available', async () => {
    const resolved = await withArtifactParts(requestFor('gemini-2.5-flash'), { runId: 'r1', userId: 'bob' } as Run, await storeWithChart());
    expect(resolved.contents[1]!.parts.at(-1)).toEqual({ text: '(chart.png version 0 is not available)' });
  });

  it('shows a file only when its bytes are what its type says: a .png that is not one, or CSV that is not text, becomes a note', async () => {
    const artifacts = new InMemoryArtifactStore();
    const scope = { userId: 'ada', runId: 'r1' };
    await artifacts.save(scope, { name: 'chart.png', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), contentType: 'image/png', provenance: {} });
    await artifacts.save(scope, { name: 'data.csv', data: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff]), contentType: 'text/csv', provenance: {} });
    const request = withFiles([
      { name: 'chart.png', version: 0, contentType: 'image/png' },
      { name: 'data.csv', version: 0, contentType: 'text/csv' },
    ]);
    const resolved = await withArtifactParts(request, run, artifacts);
    expect(resolved.contents[0]!.parts.slice(1)).toEqual([
      { text: '(chart.png version 0 is not shown: its bytes are not image/png)' },
      { text: '(data.csv version 0 is not shown: its bytes are not UTF-8 text)' },
    ]);
  });

  it('names a file of a type the model does not read inline instead of sending it, without reading it', async () => {
    const resolved = await withArtifactParts(withFiles([{ name: 'sales.parquet', version: 0, contentType: 'application/vnd.apache.parquet' }]), run, new InMemoryArtifactStore());
    expect(resolved.contents[0]!.parts[1]).toEqual({
      text: "(sales.parquet version 0 is application/vnd.apache.parquet, which the model does not read inline; code can read it by name, in execute_code's input_files)",
    });
  });

  it('spends the inline budget on the newest files first and names the older ones that no longer fit', async () => {
    const artifacts = new InMemoryArtifactStore();
    const big = Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]);
    for (const name of ['first.png', 'second.png', 'third.png']) await artifacts.save({ userId: 'ada', runId: 'r1' }, { name, data: big, contentType: 'image/png', provenance: {} });
    const turn = (name: string): Content => ({ role: 'user', parts: [{ functionResponse: { name: 'execute_code', response: {}, artifacts: [{ name, version: 0, contentType: 'image/png' }] } }] });
    const request: ModelRequest = { model: 'gemini-2.5-flash', contents: [turn('first.png'), turn('second.png'), turn('third.png')], functionDeclarations: [], streaming: 'NONE' };
    const resolved = await withArtifactParts(request, run, artifacts);
    expect(resolved.contents.map((content) => content.parts[1])).toEqual([
      { text: `(first.png version 0 (${big.length} bytes) is not shown, to keep the request within the model's size limit; code can read it by name)` },
      { inlineData: { mimeType: 'image/png', data: big.toString('base64') } },
      { inlineData: { mimeType: 'image/png', data: big.toString('base64') } },
    ]);
    expect(2 * big.length).toBeLessThanOrEqual(inlineBudgetBytes);
    expect(3 * big.length).toBeGreaterThan(inlineBudgetBytes);
  });

  it('leaves a request without references as it is', async () => {
    const request: ModelRequest = { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'hi' }] }], functionDeclarations: [], streaming: 'NONE' };
    expect(await withArtifactParts(request, run, undefined)).toBe(request);
  });
});
