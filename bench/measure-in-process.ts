import { performance } from 'node:perf_hooks';
import { FunctionTool, InMemoryRunner, LlmAgent } from '@google/adk';
import { z } from 'zod';
import type { ModelClient } from '../shared/ports/model-client.ts';
import { modelCalls, modelText } from '../shared/testing/scripted-model.ts';
import { calculatorTool } from '../shared/tools/calculator.ts';
import { builtinTools } from '../shared/tools/builtin-tools.ts';
import { createInMemoryWorld } from '../shared/wiring/create-in-memory-world.ts';
import { ScriptedAdkLlm } from './adk-scripted-llm.ts';
import { modelAndToolCallsOf, nextScriptedTurn } from './conversation-script.ts';
import { benchAgentYaml } from './measure-stack.ts';
import { median } from './stats.ts';

export interface InProcessFigures {
  toolTurns: number;
  /** Model and tool calls per run (the work both runtimes do). */
  callsPerRun: number;
  runs: number;
  agentlineRunMs: number;
  agentlineMsPerCall: number;
  adkRunMs: number;
  adkMsPerCall: number;
}

/** The same scripted conversation through agentline's in-memory world and ADK's InMemoryRunner. */
export async function measureInProcess(toolTurns: number, runs: number): Promise<InProcessFigures> {
  const agentline = await timeAgentlineInMemory(toolTurns, runs);
  const adk = await timeAdk(toolTurns, runs);
  const callsPerRun = modelAndToolCallsOf(toolTurns);
  return {
    toolTurns,
    callsPerRun,
    runs,
    agentlineRunMs: agentline,
    agentlineMsPerCall: agentline / callsPerRun,
    adkRunMs: adk,
    adkMsPerCall: adk / callsPerRun,
  };
}

function scriptedModelClient(toolTurns: number): ModelClient {
  return {
    async generate(request) {
      const turn = nextScriptedTurn(request.contents, toolTurns);
      return turn.kind === 'call' ? modelCalls([{ name: 'calculator', args: { expression: turn.value } }]) : modelText(turn.value);
    },
  };
}

async function timeAgentlineInMemory(toolTurns: number, runs: number): Promise<number> {
  // A sub-millisecond clock, so the run's own end time measures it (waitForRun polls every 2 ms).
  const clock = { now: () => performance.timeOrigin + performance.now() };
  const world = createInMemoryWorld({ model: scriptedModelClient(toolTurns), tools: builtinTools, clock });
  try {
    const durations: number[] = [];
    for (let index = -1; index < runs; index++) {
      const started = clock.now();
      const run = await world.waitForRun(world.submit({ agent: { configYaml: benchAgentYaml }, input: 'Count with the calculator.' }), 60_000);
      if (run.state !== 'SUCCEEDED') throw new Error(`in-memory bench run ended ${run.state}: ${run.error?.message}`);
      if (index >= 0) durations.push(run.endTime! - started);
    }
    return median(durations);
  } finally {
    world.close();
  }
}

async function timeAdk(toolTurns: number, runs: number): Promise<number> {
  const calculator = new FunctionTool({
    name: 'calculator',
    description: calculatorTool.description,
    parameters: z.object({ expression: z.string() }),
    execute: ({ expression }) => calculatorTool.execute({ expression }, { runId: 'adk', stepId: 'adk', attempt: 1, idempotencyKey: 'adk/adk', deadline: Number.MAX_SAFE_INTEGER, now: () => Date.now() }),
  });
  const agent = new LlmAgent({ name: 'bench_agent', model: new ScriptedAdkLlm(toolTurns), instruction: 'Use the calculator.', tools: [calculator] });
  const runner = new InMemoryRunner({ agent, appName: 'bench' });
  const durations: number[] = [];
  for (let index = -1; index < runs; index++) {
    const started = performance.now();
    const session = await runner.sessionService.createSession({ appName: 'bench', userId: 'bench' });
    let calls = 0;
    for await (const event of runner.runAsync({ userId: 'bench', sessionId: session.id, newMessage: { role: 'user', parts: [{ text: 'Count with the calculator.' }] } })) {
      calls += event.content?.parts?.filter((part) => part.functionResponse).length ?? 0;
    }
    if (calls !== toolTurns) throw new Error(`ADK bench run made ${calls} tool calls, expected ${toolTurns}`);
    if (index >= 0) durations.push(performance.now() - started);
  }
  return median(durations);
}
