import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InMemoryArtifactStore } from '../adapters/in-memory/in-memory-artifact-store.ts';
import { TransientError } from '../domain/errors.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import type { Tool } from '../tools/tool.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

/** `part` repeated `bytes` times: a result as large as asked; `note` is only there to make the arguments large. */
const large: Tool<{ part: string; bytes: number; note?: string }> = {
  name: 'large',
  description: 'Answers a result of the size asked.',
  inputSchema: z.object({ part: z.string().length(1), bytes: z.number().int().positive(), note: z.string().optional() }),
  repeatable: true,
  execute: async ({ part, bytes }) => part.repeat(bytes),
};
const agent = { configYaml: 'name: reader\nmodel: gemini-2.5-flash\ninstruction: Read what the tool answers.\ntools: [large]\n', fileName: 'reader.yaml' };

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

/** The store, with the first save of a result file followed by a failure of its attempt (as a crash after the save is). */
function storeFailingAfterFirstResultSave() {
  const artifacts = new InMemoryArtifactStore();
  let failed = false;
  const save = artifacts.save.bind(artifacts);
  artifacts.save = async (scope, file) => {
    const saved = await save(scope, file);
    if (file.name.startsWith('tool-results/') && !failed) {
      failed = true;
      throw new TransientError('the attempt died after saving its result file');
    }
    return saved;
  };
  return artifacts;
}

describe('a tool result too large to record', () => {
  it('is saved once though the attempt that saved it failed before its commit: the retry finds the same bytes', async () => {
    const artifacts = storeFailingAfterFirstResultSave();
    const model = new ScriptedModel([modelCalls([{ name: 'large', args: { part: 'x', bytes: 500_000 } }]), modelText('read')]);
    world = createInMemoryWorld({ model, artifacts, tools: [large as Tool] });
    const run = await world.waitForRun(world.submit({ agent, input: 'read', userId: 'ada' }));
    expect(run.state).toBe('SUCCEEDED');
    const name = `tool-results/${run.runId}/0-tool-0.json`;
    expect(await artifacts.versions({ userId: 'ada', runId: run.runId }, name)).toEqual([0]);
    expect(model.requests[1]!.contents.at(-1)!.parts[0]!.functionResponse!.response).toMatchObject({ result_file: { name, version: 0, bytes: 500_013 } });
  });

  it('is also one under the per-call limit whose arguments leave its step document no room for it, and is saved as a file', async () => {
    const artifacts = new InMemoryArtifactStore();
    // 300 KB of result is under the 400 KB a single call may record, but not beside 700 KB of arguments.
    const model = new ScriptedModel([
      modelCalls([{ name: 'large', args: { part: 'y', bytes: 300_000, note: 'n'.repeat(700_000) } }]),
      modelCalls([{ name: 'large', args: { part: 'z', bytes: 300_000 } }]),
      modelText('read'),
    ]);
    world = createInMemoryWorld({ model, artifacts, tools: [large as Tool] });
    const run = await world.waitForRun(world.submit({ agent, input: 'read', userId: 'ada' }));
    expect(run.state).toBe('SUCCEEDED');
    expect(model.requests[1]!.contents.at(-1)!.parts[0]!.functionResponse!.response).toMatchObject({ result_file: { name: `tool-results/${run.runId}/0-tool-0.json`, bytes: 300_013 } });
    // The same result with small arguments is recorded as it is.
    expect(model.requests[2]!.contents.at(-1)!.parts[0]!.functionResponse!.response).toEqual({ output: 'z'.repeat(300_000) });
  });
});

describe('a session history larger than one checkpoint document', () => {
  it('starts the next run of the session with all of it, kept in its event documents', async () => {
    const parts = ['a', 'b', 'c'];
    const model = new ScriptedModel([...parts.map((part) => modelCalls([{ name: 'large', args: { part, bytes: 390_000 } }])), modelText('read'), modelText('again')]);
    world = createInMemoryWorld({ model, tools: [large as Tool], settings: { sessionWindow: { maxRuns: 20, maxBytes: 3_000_000 } } });
    await world.waitForRun(world.submit({ agent, input: 'read', sessionId: 's1', userId: 'ada' }));
    const second = await world.waitForRun(world.submit({ agent, input: 'and now?', sessionId: 's1', userId: 'ada' }));
    expect(second).toMatchObject({ state: 'SUCCEEDED', output: { text: 'again' } });
    expect(await world.store.getConversation(second.runId)).toMatchObject({ inEvents: true, eventCount: second.eventCount });
    const contents = model.requests.at(-1)!.contents;
    const outputs = contents.flatMap((content) => content.parts.flatMap((part) => (part.functionResponse ? [(part.functionResponse.response as { output: string }).output] : [])));
    expect(outputs).toEqual(parts.map((part) => part.repeat(390_000)));
    expect(contents.at(-1)!.parts[0]!.text).toBe('and now?');
  });
});
