import { isTerminal, type Run } from '../shared/domain/run.ts';
import type { Submission } from '../shared/domain/submission.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { countMessage } from '../shared/testing/counting-deps.ts';
import { modelAndToolCallsOf, pipelineStepsOf } from './conversation-script.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { countsSince, scaleCounts, type OperationCounts } from '../shared/testing/operation-counts.ts';
import { median, percentile } from './stats.ts';

export const benchAgentYaml = `name: bench_agent
model: gemini-2.5-flash
description: Calls the calculator a scripted number of times.
instruction: Use the calculator.
tools: [calculator]
`;

export interface ConversationFigures {
  toolTurns: number;
  stepsPerRun: number;
  runs: number;
  /** Run created → run ended (the pipeline's own timestamps), median ms. */
  runMs: number;
  msPerStep: number;
  /** Operations per step execution, averaged over the runs. */
  perStep: OperationCounts;
  /** Operations per run, averaged over the runs. */
  perRun: OperationCounts;
  /**
   * Transactions per transition (a run's commits that move it on: the submission's and one per
   * step execution), split by what they wrote: commits, claims (an attempt marked RUNNING before
   * its effect) and others (an attempt handed back, read only).
   */
  transactionsPerTransition: { all: number; commits: number; claims: number; others: number };
  /** Claim transactions per model or tool call (each call is one attempt here: nothing fails). */
  claimsPerCall: number;
  /** CPU time of the whole bench process (functions, model server, clients) per step, ms: an upper bound. */
  processCpuMsPerStep: number;
}

export interface ThroughputFigures {
  runs: number;
  stepsPerRun: number;
  wallMs: number;
  runsPerSecond: number;
  stepsPerSecond: number;
  /** Submission published → run ended, ms. */
  p50RunMs: number;
  p95RunMs: number;
}

interface Bench {
  stack: LocalStack;
  counts: OperationCounts;
  /** How many tool turns the model server scripts for the runs now being measured. */
  setToolTurns(toolTurns: number): void;
}

/** Runs `runs` conversations of `toolTurns` tool turns one after another and reports medians and counts. */
export async function measureConversations(bench: Bench, toolTurns: number, runs: number): Promise<ConversationFigures> {
  bench.setToolTurns(toolTurns);
  await runOne(bench, `warmup-${toolTurns}`);
  await settle();
  const before = { ...bench.counts };
  const cpuBefore = process.cpuUsage();
  const durations: number[] = [];
  for (let index = 0; index < runs; index++) {
    const { run } = await runOne(bench, `t${toolTurns}-${index}`);
    durations.push(run.endTime! - run.createTime);
  }
  await settle();
  const cpu = process.cpuUsage(cpuBefore);
  const stepsPerRun = pipelineStepsOf(toolTurns);
  const total = countsSince(bench.counts, before);
  const runMs = median(durations);
  const transitions = runs * (stepsPerRun + 1);
  return {
    toolTurns,
    stepsPerRun,
    runs,
    runMs,
    msPerStep: runMs / stepsPerRun,
    perStep: scaleCounts(total, runs * stepsPerRun),
    perRun: scaleCounts(total, runs),
    transactionsPerTransition: {
      all: total.transactions / transitions,
      commits: total.commitTransactions / transitions,
      claims: total.claimTransactions / transitions,
      others: total.otherTransactions / transitions,
    },
    claimsPerCall: total.claimTransactions / (runs * modelAndToolCallsOf(toolTurns)),
    processCpuMsPerStep: (cpu.user + cpu.system) / 1000 / (runs * stepsPerRun),
  };
}

/** Submits `runs` conversations at once and reports throughput and run latency percentiles. */
export async function measureThroughput(bench: Bench, toolTurns: number, runs: number): Promise<ThroughputFigures> {
  bench.setToolTurns(toolTurns);
  const started = Date.now();
  const finished = await Promise.all(Array.from({ length: runs }, (_, index) => runOne(bench, `burst-${started}-${index}`)));
  const ended = Math.max(...finished.map(({ run }) => run.endTime!));
  const latencies = finished.map(({ run, publishedAt }) => run.endTime! - publishedAt);
  const wallMs = ended - started;
  const stepsPerRun = pipelineStepsOf(toolTurns);
  return {
    runs,
    stepsPerRun,
    wallMs,
    runsPerSecond: runs / (wallMs / 1000),
    stepsPerSecond: (runs * stepsPerRun) / (wallMs / 1000),
    p50RunMs: percentile(latencies, 0.5),
    p95RunMs: percentile(latencies, 0.95),
  };
}

async function runOne(bench: Bench, key: string): Promise<{ run: Run; publishedAt: number }> {
  const submission: Submission = {
    schemaVersion: 1,
    agent: { configYaml: benchAgentYaml, fileName: 'bench_agent.yaml' },
    input: 'Count with the calculator.',
    idempotencyKey: `${key}-${process.pid}`,
  };
  const publishedAt = Date.now();
  const runId = await submitToStack(bench.stack, submission);
  countMessage(bench.counts, submission, true);
  const run = await waitForTerminal(bench.stack, runId);
  if (run.state !== 'SUCCEEDED') throw new Error(`bench run ${run.runId} ended ${run.state}: ${run.error?.message}`);
  return { run, publishedAt };
}

async function waitForTerminal(stack: LocalStack, runId: string, timeoutMs = 120_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The undecorated store: the benchmark's own polling is not counted as pipeline work.
    const run = await stack.deps.store.getRun(runId);
    if (run && isTerminal(run.state) && run.endTime !== undefined) return run;
    if (Date.now() > deadline) throw new Error(`bench run ${runId} is ${run?.state ?? 'missing'} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Lets the last publish of a run (its result, after the final commit) be counted. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500));
}
