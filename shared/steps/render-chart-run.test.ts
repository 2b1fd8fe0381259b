import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryArtifactStore } from '../adapters/in-memory/in-memory-artifact-store.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agent = { configYaml: 'name: charter\nmodel: gemini-2.5-flash\ninstruction: Draw what you are asked.\ntools: [render_chart]\n', fileName: 'charter.yaml' };
const spec = { data: { values: [{ q: 'Q1', v: 1 }, { q: 'Q2', v: 2 }] }, mark: 'bar', encoding: { x: { field: 'q', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } } };

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

describe('a run with render_chart', () => {
  it('shows the model the chart it drew as an image on its next turn, and keeps it as the run\'s file', async () => {
    const artifacts = new InMemoryArtifactStore();
    const model = new ScriptedModel([modelCalls([{ name: 'render_chart', args: { spec, name: 'quarters' } }]), modelText('drawn')]);
    world = createInMemoryWorld({ model, artifacts });
    const run = await world.waitForRun(world.submit({ agent, input: 'Chart Q1 and Q2', userId: 'ada' }));
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'drawn' } });
    const [response, image] = model.requests[1]!.contents.at(-1)!.parts;
    expect(response!.functionResponse).toMatchObject({ name: 'render_chart', response: { output: { files: [{ name: 'quarters.png', version: 0 }, { name: 'quarters.svg', version: 0 }] } } });
    const stored = await artifacts.load({ userId: 'ada', runId: run.runId }, 'quarters.png');
    expect(image).toEqual({ inlineData: { mimeType: 'image/png', data: stored!.data.toString('base64') } });
    expect(stored!.metadata.provenance).toEqual({ runId: run.runId, stepId: '0-tool-0', tool: 'render_chart' });
  });
});
