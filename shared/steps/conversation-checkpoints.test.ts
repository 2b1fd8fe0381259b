import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Tool } from '../tools/tool.ts';
import { agentDefinitionVersion, parseAgentConfigYaml } from '../domain/agent-config.ts';
import { userText } from '../domain/content.ts';
import { maxEventBytes } from '../domain/conversation-checkpoint.ts';
import { newStep, stepOutboxMessage } from '../domain/step.ts';
import { sampleRun } from '../testing/run-fixtures.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { builtinTools } from '../tools/builtin-tools.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agentYaml = 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n';
const agent = { configYaml: agentYaml, fileName: 'calc.yaml' };

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

describe('conversation checkpoints', () => {
  it('leave, after every transition, one document holding the same conversation as the events, replaced rather than added', async () => {
    const model = new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '6*7' } }]), modelText('42')]);
    world = createInMemoryWorld({ model });
    const seen: number[] = [];
    const runId = world.submit({ agent, input: 'six times seven' });
    const stop = world.store.watchRun(runId, () => {
      void world!.store.getConversation(runId).then((checkpoint) => checkpoint && seen.push(checkpoint.eventCount));
    });
    const run = await world.waitForRun(runId);
    stop();
    const events = await world.store.listEvents(run.runId);
    expect(run.eventCount).toBe(4);
    expect((await world.store.getConversation(run.runId))?.events).toEqual(events);
    // Storage stays linear in the conversation: one checkpoint document per run, however many turns.
    expect(world.documents.list(`runs/${run.runId}/conversation/`)).toHaveLength(1);
    expect(new Set(seen).size).toBeGreaterThan(1);
  });

  it('let a run started before checkpoints existed go on from its events', async () => {
    const model = new ScriptedModel([modelText('hello again')]);
    world = createInMemoryWorld({ model });
    const definition = parseAgentConfigYaml(agentYaml, { fileName: 'calc.yaml', availableTools: builtinTools.map((tool) => tool.name) });
    const old = sampleRun('old-run', { state: 'RUNNING', eventCount: 1, agent: { name: definition.name, version: agentDefinitionVersion(definition), definition } });
    await world.store.transact(async (tx) => {
      tx.createRun(old);
      tx.putEvents(old.runId, [{ schemaVersion: 1, seq: 0, origin: 'run', content: userText('hello'), createTime: 1 }]);
      tx.createStep(newStep(old.runId, '0-model-0', Date.now()));
    });
    await world.queue.publish([stepOutboxMessage(old.runId, '0-model-0')]);
    const run = await world.waitForRun(old.runId);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'hello again' } });
    expect(model.requests[0]!.contents).toEqual([userText('hello')]);
    expect((await world.store.getConversation(old.runId))?.events.map((event) => event.content)).toEqual([
      userText('hello'),
      { role: 'model', parts: [{ text: 'hello again' }] },
    ]);
  });

  it('end a run FAILED with EVENT_TOO_LARGE when one answer would outgrow a document of its own', async () => {
    const model = new ScriptedModel([modelText('x'.repeat(maxEventBytes))]);
    world = createInMemoryWorld({ model });
    const run = await world.waitForRun(world.submit({ agent, input: 'write a lot' }));
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'EVENT_TOO_LARGE', message: expect.stringMatching(/over the 1000000-byte limit of one event document/) } });
    expect(await world.store.listEvents(run.runId)).toHaveLength(1);
  });

  it('keep a conversation past one document in its event documents, and every later request has all of it', async () => {
    const blob: Tool<{ part: number }> = { name: 'blob', description: 'A large result.', inputSchema: z.object({ part: z.number() }), repeatable: true, execute: async ({ part }) => `${part}`.repeat(390_000) };
    const call = (part: number) => modelCalls([{ name: 'blob', args: { part } }]);
    const model = new ScriptedModel([call(1), call(2), call(3), modelText('done')]);
    world = createInMemoryWorld({ model, tools: [blob] });
    const run = await world.waitForRun(world.submit({ agent: { configYaml: 'name: reader\ninstruction: Read.\ntools: [blob]\n', fileName: 'reader.yaml' }, input: 'read three parts' }));
    expect(run.state).toBe('SUCCEEDED');
    expect(await world.store.getConversation(run.runId)).toMatchObject({ eventCount: run.eventCount, events: [], inEvents: true });
    const last = model.requests.at(-1)!.contents;
    expect(last.flatMap((content) => content.parts.flatMap((part) => (part.functionResponse ? [String((part.functionResponse.response as { output: string }).output).slice(0, 1)] : [])))).toEqual(['1', '2', '3']);
    expect(JSON.stringify(last).length).toBeGreaterThan(1_100_000);
  });
});
