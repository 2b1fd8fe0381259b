import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../infra/topology.ts';
import type { Run } from '../shared/domain/run.ts';
import type { Submission } from '../shared/domain/submission.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { noFaults, withFaults, type Faults } from '../shared/testing/fault-layer.ts';
import { errorReply, functionCallReply, textReply, type Reply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { startTestStack, wireServerTestEnv } from '../shared/testing/test-stack.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// One stack for the file; each test scripts the Gemini-wire server and swaps the fault layer.
let stack: LocalStack;
let gemini: GeminiWireServer;
const faults: Faults = noFaults();

const agentYaml = `name: travel_calculator
model: gemini-2.5-flash
description: Arithmetic and time zones.
instruction: Use the calculator for arithmetic and convert_time for time zones.
tools: [calculator, convert_time]
`;

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('e2e', {
    env: wireServerTestEnv(gemini.url),
    decorate: withFaults(faults),
  });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

afterEach(() => {
  Object.assign(faults, noFaults());
  gemini.requests.length = 0;
});

async function runAgent(input: string, extra: Partial<Submission> = {}, replies: Reply[] = []): Promise<Run> {
  gemini.script(replies);
  const submission: Submission = {
    schemaVersion: 1,
    agent: { configYaml: agentYaml, fileName: 'agent.yaml' },
    input,
    idempotencyKey: `${Date.now()}-${Math.random()}`,
    ...extra,
  };
  return waitForTerminalRun(stack.deps.store, await submitToStack(stack, submission));
}

const lastContent = (index: number) => gemini.requests[index]!.body.contents.at(-1)!;

describe('runs end to end on the emulators with the real @google/genai client', () => {
  it('answers a tool call and returns the final text', async () => {
    const run = await runAgent('What is 2^64 + 1?', {}, [
      functionCallReply([{ name: 'calculator', args: { expression: '2^64 + 1' } }], { thoughtSignature: 'c2lnbmF0dXJl' }),
      textReply('2^64 + 1 = 18446744073709551617'),
    ]);
    gemini.assertAllRepliesUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, output: { text: '2^64 + 1 = 18446744073709551617' } });
    expect(run.usage.totalTokenCount).toBe(40);
    const declarations = gemini.requests[0]!.body.tools![0]!.functionDeclarations!.map((declaration) => declaration.name);
    expect(declarations).toEqual(['calculator', 'convert_time']);
    expect(gemini.requests[1]!.body.contents[1]!.parts[0]!.thoughtSignature).toBe('c2lnbmF0dXJl');
    expect(lastContent(1).parts[0]!.functionResponse).toMatchObject({ name: 'calculator', response: { output: { result: '18446744073709551617' } } });
  });

  it('answers three parallel function calls in the order they were made', async () => {
    const run = await runAgent('three', {}, [
      functionCallReply([
        { name: 'convert_time', args: { time: '2026-03-29T09:30', from_timezone: 'Europe/London', to_timezone: 'Asia/Tokyo' } },
        { name: 'calculator', args: { expression: '0.1 + 0.2' } },
        { name: 'calculator', args: { expression: '7 * 6' } },
      ]),
      textReply('done'),
    ]);
    expect(run.state).toBe('SUCCEEDED');
    const responses = lastContent(1).parts.map((part) => part.functionResponse!);
    expect(responses.map((response) => response.name)).toEqual(['convert_time', 'calculator', 'calculator']);
    expect(responses.slice(1).map((response) => response.response)).toEqual([{ output: { result: '0.3' } }, { output: { result: '42' } }]);
  });

  it('sends exactly max_llm_calls requests to a model that always wants a tool, then fails the run', async () => {
    const loop = functionCallReply([{ name: 'calculator', args: { expression: '1 + 1' } }]);
    const run = await runAgent('loop', { runConfig: { max_llm_calls: 3 } }, [loop, loop, loop]);
    gemini.assertAllRepliesUsed();
    expect(gemini.requests).toHaveLength(3);
    expect(run).toMatchObject({
      state: 'FAILED',
      llmCallCount: 3,
      error: { code: 'LLM_CALLS_LIMIT_EXCEEDED', message: 'Max number of llm calls limit of 3 exceeded' },
    });
  });

  it('streams with streaming_mode SSE through streamGenerateContent', async () => {
    const run = await runAgent('stream please', { runConfig: { streaming_mode: 'sse' } }, [
      {
        chunks: [
          { candidates: [{ content: { role: 'model', parts: [{ text: 'Hel' }] }, index: 0 }] },
          { candidates: [{ content: { role: 'model', parts: [{ text: 'lo' }] }, index: 0 }] },
          {
            candidates: [{ content: { role: 'model', parts: [{ text: '!' }] }, finishReason: 'STOP', index: 0 }],
            usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
          },
        ],
      },
    ]);
    expect(gemini.requests.map((request) => request.stream)).toEqual([true]);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'Hello!' }, usage: { totalTokenCount: 8 } });
  });

  it('retries a 429 after the RetryInfo delay and counts both requests', async () => {
    const run = await runAgent('hi', {}, [errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', '1s'), textReply('hello')]);
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, llmCallsSucceeded: 1, output: { text: 'hello' } });
  });

  it('fails the run with the API message on a 400', async () => {
    const run = await runAgent('hi', {}, [errorReply(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.')]);
    expect(run).toMatchObject({ state: 'FAILED', llmCallCount: 1, error: { code: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' } });
  });

  it('lets a second run in the same session see the first', async () => {
    const sessionId = `s-${Date.now()}`;
    await runAgent('My name is Ada.', { sessionId, userId: 'ada' }, [textReply('Hello Ada.')]);
    const second = await runAgent('What is my name?', { sessionId, userId: 'ada' }, [textReply('Ada.')]);
    expect(second.state).toBe('SUCCEEDED');
    expect(gemini.requests[1]!.body.contents.map((content) => content.parts[0]!.text)).toEqual(['My name is Ada.', 'Hello Ada.', 'What is my name?']);
  });
});

describe('redelivery and crashes on the emulators', () => {
  const script = () => [
    functionCallReply([
      { name: 'calculator', args: { expression: '3 * 3' } },
      { name: 'calculator', args: { expression: '4 * 4' } },
    ]),
    textReply('9 and 16'),
  ];

  it.each(['sequential', 'concurrent'] as const)('gives the same result and events when every step message is published twice (%s)', async (mode) => {
    const clean = await runAgent('squares', {}, script());
    const cleanEvents = (await stack.deps.store.listEvents(clean.runId)).map((event) => event.content);
    gemini.requests.length = 0;
    faults.duplicatePublishes = mode;
    const run = await runAgent('squares', {}, script());
    gemini.assertAllRepliesUsed();
    expect(gemini.requests).toHaveLength(2);
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, output: clean.output });
    expect((await stack.deps.store.listEvents(run.runId)).map((event) => event.content)).toEqual(cleanEvents);
  });

  it('repeats at most the one model request a crash lost, and counts it', async () => {
    faults.crashAfterNextModelCall = true;
    const [first, ...rest] = script();
    const run = await runAgent('squares', {}, [first!, first!, ...rest]);
    gemini.assertAllRepliesUsed();
    expect(gemini.requests).toHaveLength(3);
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 3, llmCallsSucceeded: 2, output: { text: '9 and 16' } });
  });
});

describe('a crashed tool call on the emulators', () => {
  it('runs the tool again after its lease expires and ends with the same conversation', async () => {
    const script = () => [functionCallReply([{ name: 'calculator', args: { expression: '6 * 7' } }]), textReply('42')];
    const clean = await runAgent('multiply', {}, script());
    const cleanEvents = (await stack.deps.store.listEvents(clean.runId)).map((event) => event.content);
    faults.crashAfterNextToolCall = true;
    const run = await runAgent('multiply', {}, script());
    const steps = await stack.deps.store.listSteps(run.runId);
    expect(steps.find((step) => step.stepId === '0-tool-0')).toMatchObject({ state: 'SUCCEEDED', attempt: 2 });
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, output: { text: '42' } });
    expect((await stack.deps.store.listEvents(run.runId)).map((event) => event.content)).toEqual(cleanEvents);
  });
});

describe('bad input on the emulators', () => {
  it('records malformed JSON on the tasks topic as a rejection', async () => {
    const messageId = await stack.deps.pubsub.topic(topology.submissionsTopic).publishMessage({ data: Buffer.from('{"input": ') });
    await expect.poll(() => stack.deps.store.getRejection(messageId), { timeout: 10_000 }).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  it('fails a run for an unknown agent and for an unknown RunConfig field, with messages naming them', async () => {
    const unknownAgent = await runAgent('hi', { agent: { name: 'projects/p/locations/global/collections/default_collection/engines/e/agents/ghost' } });
    expect(unknownAgent).toMatchObject({ state: 'FAILED', error: { code: 'PERMISSION_DENIED', message: expect.stringMatching(/ghost.*or it may not exist/) } });
    const badConfig = await runAgent('hi', { runConfig: { max_llm_callz: 2 } });
    expect(badConfig).toMatchObject({ state: 'FAILED', error: { message: expect.stringMatching(/max_llm_callz/) } });
    expect(gemini.requests).toHaveLength(0);
  });
});
