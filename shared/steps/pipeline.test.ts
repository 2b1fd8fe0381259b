import { afterEach, describe, expect, it } from 'vitest';
import { TransientError, PermanentDependencyError } from '../domain/errors.ts';
import type { ModelClient } from '../ports/model-client.ts';
import { noFaults, withFaults } from '../testing/fault-layer.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { builtinTools } from '../tools/builtin-tools.ts';
import type { ToolContext } from '../tools/tool.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agentYaml = `
name: calc_agent
model: gemini-2.5-flash
description: Does arithmetic.
instruction: Use the calculator.
tools: [calculator, convert_time, current_time]
`;
const agent = { configYaml: agentYaml, fileName: 'calc.yaml' };

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

function start(model: ModelClient, options: Parameters<typeof createInMemoryWorld>[0] extends infer O ? Partial<O> : never = {}) {
  world = createInMemoryWorld({ model, ...options });
  return world;
}

describe('a run through the in-memory pipeline', () => {
  it('answers a tool call with a functionResponse and finishes with the model text', async () => {
    const model = new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '2^64 + 1' } }]), modelText('It is 18446744073709551617.')]);
    const { submit, waitForRun, store } = start(model);
    const run = await waitForRun(submit({ agent, input: 'What is 2^64 + 1?' }));
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, llmCallsSucceeded: 2, output: { text: 'It is 18446744073709551617.' } });
    const responsePart = model.requests[1]!.contents.at(-1)!.parts[0]!;
    expect(responsePart.functionResponse).toEqual({ name: 'calculator', response: { output: { result: '18446744073709551617' } } });
    expect((await store.listEvents(run.runId)).map((event) => event.content.role)).toEqual(['user', 'model', 'user', 'model']);
  });

  it('runs three calls of one response in parallel and answers them in call order', async () => {
    const calls = [
      { name: 'calculator', args: { expression: '1+1' }, id: 'a' },
      { name: 'calculator', args: { expression: '2*3' }, id: 'b' },
      { name: 'convert_time', args: { time: '2026-03-29T09:30', from_timezone: 'Europe/London', to_timezone: 'Asia/Tokyo' }, id: 'c' },
    ];
    const model = new ScriptedModel([modelCalls(calls), modelText('done')]);
    const { submit, waitForRun } = start(model);
    const run = await waitForRun(submit({ agent, input: 'three things' }));
    expect(run.state).toBe('SUCCEEDED');
    const parts = model.requests[1]!.contents.at(-1)!.parts;
    expect(parts.map((part) => [part.functionResponse?.id, part.functionResponse?.name])).toEqual([
      ['a', 'calculator'],
      ['b', 'calculator'],
      ['c', 'convert_time'],
    ]);
    expect(parts[1]!.functionResponse!.response).toEqual({ output: { result: '6' } });
  });

  it('stops a run at max_llm_calls: exactly N requests, then LLM_CALLS_LIMIT_EXCEEDED', async () => {
    const alwaysTool = () => modelCalls([{ name: 'calculator', args: { expression: '1+1' } }]);
    const model = new ScriptedModel([alwaysTool, alwaysTool, alwaysTool]);
    const { submit, waitForRun } = start(model);
    const run = await waitForRun(submit({ agent, input: 'loop', runConfig: { max_llm_calls: 3 } }));
    model.assertAllUsed();
    expect(model.requests).toHaveLength(3);
    expect(run).toMatchObject({
      state: 'FAILED',
      llmCallCount: 3,
      error: { code: 'LLM_CALLS_LIMIT_EXCEEDED', message: 'Max number of llm calls limit of 3 exceeded' },
    });
  });

  it('retries a rate-limited model call after the server delay and counts both requests', async () => {
    const model = new ScriptedModel([new TransientError('quota', { code: 'RESOURCE_EXHAUSTED', retryDelayMs: 30 }), modelText('ok')]);
    const { submit, waitForRun } = start(model);
    const run = await waitForRun(submit({ agent, input: 'hi' }));
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, llmCallsSucceeded: 1, output: { text: 'ok' } });
  });

  it('fails a run whose model does not answer after the timeout limit, not the whole attempt budget, saying so', async () => {
    const hung = () => new TransientError('The model did not answer within 110 s (the request timed out)', { code: 'MODEL_TIMEOUT' });
    const model = new ScriptedModel([hung(), hung()]);
    const { submit, waitForRun } = start(model);
    const run = await waitForRun(submit({ agent, input: 'hi' }));
    expect(run).toMatchObject({ state: 'FAILED', llmCallCount: 2, error: { code: 'MODEL_TIMEOUT', message: expect.stringContaining('did not answer within 110 s') } });
    model.assertAllUsed();
  });

  it('fails the run with the API message when the model refuses the request', async () => {
    const model = new ScriptedModel([new PermanentDependencyError('INVALID_ARGUMENT', 'Request contains an invalid argument.')]);
    const { submit, waitForRun } = start(model);
    const run = await waitForRun(submit({ agent, input: 'hi' }));
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' } });
  });

  it('gives a later run in the same session the earlier conversation', async () => {
    const model = new ScriptedModel([modelText('Nice to meet you, Ada.'), modelText('Your name is Ada.')]);
    const { submit, waitForRun, store } = start(model);
    await waitForRun(submit({ agent, input: 'My name is Ada.', sessionId: 's1', userId: 'u1' }));
    const second = await waitForRun(submit({ agent, input: 'What is my name?', sessionId: 's1', userId: 'u1' }));
    expect(second.state).toBe('SUCCEEDED');
    expect(model.requests[1]!.contents.map((content) => content.parts[0]!.text)).toEqual([
      'My name is Ada.',
      'Nice to meet you, Ada.',
      'What is my name?',
    ]);
    expect((await store.listMemories('u1')).map((memory) => memory.output)).toEqual(['Your name is Ada.', 'Nice to meet you, Ada.']);
  });

  it('tells the model when it calls a tool the agent does not have, and goes on', async () => {
    const model = new ScriptedModel([modelCalls([{ name: 'web_search', args: {} }]), modelText('sorry')]);
    const { submit, waitForRun } = start(model);
    const run = await waitForRun(submit({ agent, input: 'search' }));
    expect(run.state).toBe('SUCCEEDED');
    const response = model.requests[1]!.contents.at(-1)!.parts[0]!.functionResponse!.response;
    expect(String(response['error'])).toMatch(/Unknown tool "web_search"/);
  });

  it('starts one run for two submissions with the same idempotency key', async () => {
    const model = new ScriptedModel([modelText('once')]);
    const { submit, waitForRun, queue, store } = start(model);
    const runId = submit({ agent, input: 'hi', idempotencyKey: 'k-1' });
    await waitForRun(runId);
    submit({ agent, input: 'hi', idempotencyKey: 'k-1' });
    await queue.idle();
    const submissions = queue.published.filter((message) => message.topic === 'tasks');
    // Two distinct messages (a second run id would come from the second message id without the key) ...
    expect(new Set(submissions.map((message) => message.messageId)).size).toBe(2);
    // ... made one run: one model request, one plan step, one outcome.
    expect(model.requests).toHaveLength(1);
    expect((await store.listSteps(runId)).filter((step) => step.kind === 'plan')).toHaveLength(1);
    expect(queue.published.filter((message) => message.topic === 'results')).toHaveLength(1);
    model.assertAllUsed();
  });
});

describe('bad submissions', () => {
  it('records malformed JSON on the tasks topic as a rejection naming the problem', async () => {
    const { queue, store } = start(new ScriptedModel([]));
    const messageId = queue.publishRaw('tasks', Buffer.from('{"agent": '));
    await queue.idle();
    expect(await store.getRejection(messageId)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/not valid JSON/) });
  });

  it('fails a run for an agent that is not registered without saying whether it exists', async () => {
    const { submit, waitForRun } = start(new ScriptedModel([]));
    const run = await waitForRun(submit({ agent: { name: 'projects/p/locations/global/collections/c/engines/e/agents/nope' }, input: 'hi' }));
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'PERMISSION_DENIED', message: expect.stringMatching(/or it may not exist/) } });
  });

  it('fails a run whose RunConfig has an unknown field, naming it', async () => {
    const { submit, waitForRun } = start(new ScriptedModel([]));
    const run = await waitForRun(submit({ agent, input: 'hi', runConfig: { max_llm_cals: 3 } }));
    expect(run.state).toBe('FAILED');
    expect(run.error?.message).toMatch(/max_llm_cals/);
  });
});

describe('redelivery and crashes', () => {
  const script = () => [
    modelCalls([{ name: 'calculator', args: { expression: '3*3' } }, { name: 'calculator', args: { expression: '4*4' } }]),
    modelText('9 and 16'),
  ];

  async function cleanRun() {
    const cleanWorld = start(new ScriptedModel(script()));
    const run = await cleanWorld.waitForRun(cleanWorld.submit({ agent, input: 'squares' }));
    const events = (await cleanWorld.store.listEvents(run.runId)).map((event) => event.content);
    cleanWorld.close();
    return { run, events };
  }

  it.each(['sequential', 'concurrent'] as const)('gives the same result when every message is delivered twice (%s), with no extra model request', async (mode) => {
    const clean = await cleanRun();
    const model = new ScriptedModel(script());
    const faulty = start(model, { decorate: withFaults({ ...noFaults(), duplicatePublishes: mode }) });
    const run = await faulty.waitForRun(faulty.submit({ agent, input: 'squares' }));
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, output: clean.run.output });
    expect((await faulty.store.listEvents(run.runId)).map((event) => event.content)).toEqual(clean.events);
  });

  it('repeats only the model request a crash before commit lost, and counts it against the budget', async () => {
    const clean = await cleanRun();
    const [first, second] = script();
    const model = new ScriptedModel([first!, first!, second!]);
    const faults = { ...noFaults(), crashAfterNextModelCall: true };
    const faulty = start(model, { decorate: withFaults(faults), settings: { leaseMs: { model: 30, tool: 30 } } });
    const run = await faulty.waitForRun(faulty.submit({ agent, input: 'squares' }));
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 3, llmCallsSucceeded: 2, output: clean.run.output });
    expect((await faulty.store.listEvents(run.runId)).map((event) => event.content)).toEqual(clean.events);
  });

  it('repeats a tool call that crashed before commit and still ends with the same conversation', async () => {
    const clean = await cleanRun();
    const model = new ScriptedModel(script());
    let executions = 0;
    const counting = builtinTools.map((tool) => ({ ...tool, execute: (input: never, context: ToolContext) => (executions++, tool.execute(input, context)) }));
    const faults = { ...noFaults(), crashAfterNextToolCall: true };
    const faulty = start(model, { tools: counting, decorate: withFaults(faults), settings: { leaseMs: { model: 30, tool: 30 } } });
    const run = await faulty.waitForRun(faulty.submit({ agent, input: 'squares' }));
    model.assertAllUsed();
    expect(executions).toBe(3);
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, output: clean.run.output });
    expect((await faulty.store.listEvents(run.runId)).map((event) => event.content)).toEqual(clean.events);
  });

  it('never exceeds max_llm_calls when a crash repeats a request', async () => {
    const [first] = script();
    const model = new ScriptedModel([first!, first!]);
    const faulty = start(model, { decorate: withFaults({ ...noFaults(), crashAfterNextModelCall: true }), settings: { leaseMs: { model: 30, tool: 30 } } });
    const run = await faulty.waitForRun(faulty.submit({ agent, input: 'squares', runConfig: { max_llm_calls: 2 } }));
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'FAILED', llmCallCount: 2, error: { code: 'LLM_CALLS_LIMIT_EXCEEDED' } });
  });
});
