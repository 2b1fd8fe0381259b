import { describe, expect, it } from 'vitest';
import { InMemoryArtifactStore } from '../adapters/in-memory/in-memory-artifact-store.ts';
import type { Content } from '../domain/content.ts';
import type { Run } from '../domain/run.ts';
import type { ModelRequest } from '../ports/model-client.ts';
import { withArtifactParts } from './artifact-parts.ts';

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

  it('leaves a request without references as it is', async () => {
    const request: ModelRequest = { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'hi' }] }], functionDeclarations: [], streaming: 'NONE' };
    expect(await withArtifactParts(request, run, undefined)).toBe(request);
  });
});
