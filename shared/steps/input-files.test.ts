import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryArtifactStore } from '../adapters/in-memory/in-memory-artifact-store.ts';
import { ScriptedModel, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agent = { configYaml: 'name: reader\nmodel: gemini-2.5-flash\ninstruction: Read what you are given.\n', fileName: 'reader.yaml' };
const csv = Buffer.from('region,q1\nNorth,120\n');

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

/** Runs one model turn for ada in session s1 with `sales.csv` saved there; answers the model's request. */
async function firstRequest(submission: { runConfig?: Record<string, unknown>; inputFiles: { name: string; version: number; contentType: string }[] }) {
  const artifacts = new InMemoryArtifactStore();
  await artifacts.save({ userId: 'ada', sessionId: 's1' }, { name: 'sales.csv', data: csv, contentType: 'text/csv', provenance: {} });
  const model = new ScriptedModel([modelText('read it')]);
  world = createInMemoryWorld({ model, artifacts });
  const run = await world.waitForRun(world.submit({ agent, input: 'What is in it?', userId: 'ada', sessionId: 's1', ...submission }));
  expect(run.state).toBe('SUCCEEDED');
  return model.requests[0]!.contents.at(-1)!;
}

describe("a run's input files", () => {
  it('reach the model with the input as inline data, read from the artifact store when the model step sends the request', async () => {
    const content = await firstRequest({ inputFiles: [{ name: 'sales.csv', version: 0, contentType: 'text/csv' }] });
    expect(content.parts).toEqual([{ text: 'What is in it?' }, { inlineData: { mimeType: 'text/csv', data: csv.toString('base64') } }]);
  });

  it('are named to the model instead, as ADK does, with save_input_blobs_as_artifacts', async () => {
    const content = await firstRequest({ runConfig: { save_input_blobs_as_artifacts: true }, inputFiles: [{ name: 'sales.csv', version: 0, contentType: 'text/csv' }] });
    expect(content.parts).toEqual([{ text: 'What is in it?' }, { text: 'Uploaded file: sales.csv. It is saved into artifacts' }]);
  });

  it('that are not in the run\'s scope reach the model as a line saying so, never as another scope\'s file', async () => {
    const content = await firstRequest({ inputFiles: [{ name: 'sales.csv', version: 3, contentType: 'text/csv' }, { name: 'other.csv', version: 0, contentType: 'text/csv' }] });
    expect(content.parts).toEqual([{ text: 'What is in it?' }, { text: '(sales.csv version 3 is not available)' }, { text: '(other.csv version 0 is not available)' }]);
  });

  it("that name the browser's kept cookies refuse the submission, naming the record: no run reads them", async () => {
    const model = new ScriptedModel([modelText('read it')]);
    world = createInMemoryWorld({ model, artifacts: new InMemoryArtifactStore() });
    const submission = { agent, input: 'x', inputFiles: [{ name: 'browser-sessions/r1.json', version: 0, contentType: 'text/plain' }] };
    const messageId = world.queue.publishRaw('tasks', Buffer.from(JSON.stringify(submission)));
    await world.queue.idle();
    expect(await world.store.getRejection(messageId)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('browser-sessions/r1.json is a record the pipeline keeps for itself') });
    expect(model.requests).toEqual([]);
  });
});
