import type { ChartFigures } from './measure-chart.ts';
import type { ToolsetFigures } from './measure-toolsets.ts';
import type { BrowseFigures } from './measure-browse.ts';
import type { CostEstimate, listPrices } from './estimate-cost.ts';
import type { FloorFigures } from './measure-floor.ts';
import type { InProcessFigures } from './measure-in-process.ts';
import type { BatchFigures } from './measure-batch.ts';
import type { CodeExecFigures } from './measure-code-exec.ts';
import type { CodeJobFigures } from './measure-code-job.ts';
import type { ConversationFigures, ThroughputFigures } from './measure-stack.ts';
import { round } from './stats.ts';

export interface BenchReport {
  schemaVersion: 1;
  createTime: string;
  command: string;
  machine: { cpus: number; cpuModel: string; loadAverage: number[]; node: string };
  repetitions: number;
  floor: { before: FloorFigures; after: FloorFigures; floorMs: number };
  conversations: ConversationFigures[];
  throughput: ThroughputFigures;
  inProcess: InProcessFigures[];
  /** Absent in reports written before batches existed. */
  batch?: BatchFigures;
  /** Absent in reports written before code execution existed. */
  codeExec?: CodeExecFigures[];
  codeJob?: CodeJobFigures;
  /** Absent in reports written before render_chart existed. */
  chart?: ChartFigures;
  /** Absent in reports written before OpenAPI and MCP toolsets existed. */
  toolsets?: ToolsetFigures;
  /** Absent in reports written before browse existed. */
  browse?: BrowseFigures;
  cost: { perThousandFiveStepRuns: CostEstimate; prices: typeof listPrices };
  durationSeconds: number;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/**
 * A transition is one commit that moves a run on: the submission's and one per step execution.
 * Messages the pipeline publishes exclude the submission itself, which the caller publishes.
 */
export function transitionsPerRun(conversation: ConversationFigures): number {
  return conversation.stepsPerRun + 1;
}

/**
 * Reads each added tool turn (one model step and one tool step) costs: the first turn (no-tool
 * run → 1 turn) and the average of the later ones (1 turn → the long run). If reads grew with the
 * conversation, the later turns would cost more than the first.
 */
export function readsPerAddedTurn(report: BenchReport): { first: number; later: number } {
  const [none, short, long] = report.conversations as [ConversationFigures, ConversationFigures, ConversationFigures];
  return {
    first: (short.perRun.documentReads - none.perRun.documentReads) / (short.toolTurns - none.toolTurns),
    later: (long.perRun.documentReads - short.perRun.documentReads) / (long.toolTurns - short.toolTurns),
  };
}

export function checkTargets(report: BenchReport): TargetCheck[] {
  const [, short, long] = report.conversations as [ConversationFigures, ConversationFigures, ConversationFigures];
  const turns = readsPerAddedTurn(report);
  const ratio = (figures: ConversationFigures) => figures.msPerStep / report.floor.floorMs;
  const pipelineMessages = (figures: ConversationFigures) => figures.perRun.pubsubMessages - 1;
  const readsGrowth = long.perStep.documentReads / short.perStep.documentReads;
  return [
    ...[short, long].map((figures) => ({
      target: `overhead per step ≤ 1.5 × floor (${figures.stepsPerRun}-step runs)`,
      measured: `${round(ratio(figures))} × floor`,
      met: ratio(figures) <= 1.5,
    })),
    ...[short, long].map((figures) => {
      const perTransition = figures.transactionsPerTransition;
      return {
        target: `≤ 1 Firestore transaction per transition (${figures.stepsPerRun}-step runs)`,
        measured:
          `${round(perTransition.all)} per transition = ${round(perTransition.commits)} commits + ${round(perTransition.claims)} claims` +
          `${perTransition.others > 0 ? ` + ${round(perTransition.others)} others` : ''} (${round(figures.claimsPerCall)} claims per model or tool call)`,
        met: perTransition.all <= 1,
      };
    }),
    ...[short, long].map((figures) => ({
      target: `≤ 1 Pub/Sub message per transition (${figures.stepsPerRun}-step runs)`,
      measured: `${round(pipelineMessages(figures) / transitionsPerRun(figures))} per transition`,
      met: pipelineMessages(figures) / transitionsPerRun(figures) <= 1,
    })),
    {
      target: 'reads per step flat in conversation length: a later tool turn reads no more than the first',
      measured:
        `turns 2–${long.toolTurns}: ${round(turns.later)} reads/turn vs first turn ${round(turns.first)}; ` +
        `per step ${round(long.perStep.documentReads)} (${long.stepsPerRun}-step) vs ${round(short.perStep.documentReads)} (${short.stepsPerRun}-step, × ${round(readsGrowth)}, step mix)`,
      met: turns.later <= turns.first * 1.05,
    },
  ];
}

export function formatReport(report: BenchReport): string {
  const rows: string[][] = [['measure', 'value']];
  const floor = report.floor;
  rows.push(['floor: publish → push → 1-doc transaction (median of all samples)', `${round(floor.floorMs)} ms`]);
  rows.push(['  median before / after the load', `${round(floor.before.floorMs)} / ${round(floor.after.floorMs)} ms`]);
  rows.push(['  of which publish → push / transaction (before the load)', `${round(floor.before.publishToPushMs)} / ${round(floor.before.transactionMs)} ms`]);
  for (const figures of report.conversations) {
    const label = `${figures.stepsPerRun}-step run`;
    rows.push([`${label}: run time (median of ${figures.runs})`, `${round(figures.runMs)} ms`]);
    rows.push([`${label}: per step`, `${round(figures.msPerStep)} ms = ${round(figures.msPerStep / floor.floorMs)} × floor`]);
    const step = figures.perStep;
    rows.push([`${label}: per step reads / writes / transactions`, `${round(step.documentReads)} / ${round(step.documentWrites)} / ${round(step.transactions)}`]);
    const perTransition = figures.transactionsPerTransition;
    rows.push([
      `${label}: transactions per transition = commits + claims + others`,
      `${round(perTransition.all)} = ${round(perTransition.commits)} + ${round(perTransition.claims)} + ${round(perTransition.others)}; ${round(figures.claimsPerCall)} claims per model or tool call`,
    ]);
    rows.push([`${label}: per step Pub/Sub messages`, `${round(step.pubsubMessages)} (${round(step.pubsubBytes)} bytes)`]);
    rows.push([`${label}: process CPU per step (upper bound)`, `${round(figures.processCpuMsPerStep)} ms`]);
  }
  const burst = report.throughput;
  rows.push([`throughput: ${burst.runs} ${burst.stepsPerRun}-step runs at once`, `${round(burst.runsPerSecond)} runs/s, ${round(burst.stepsPerSecond)} steps/s`]);
  rows.push(['throughput: run latency p50 / p95', `${round(burst.p50RunMs)} / ${round(burst.p95RunMs)} ms`]);
  for (const figures of report.inProcess) {
    rows.push([
      `in-process, ${figures.callsPerRun} model+tool calls: agentline in-memory vs ADK`,
      `${round(figures.agentlineMsPerCall, 3)} vs ${round(figures.adkMsPerCall, 3)} ms/call`,
    ]);
  }
  if (report.batch) {
    const batch = report.batch;
    rows.push([
      `batch: ${batch.items} items, concurrency ${batch.concurrency}, quota ${batch.rpm} RPM`,
      `${round(batch.wallSeconds)} s against the quota's lower bound of ${round(batch.lowerBoundSeconds)} s (${round(batch.wallSeconds / batch.lowerBoundSeconds, 2)}×); ${batch.rateLimited} 429s`,
    ]);
    rows.push(['batch: pipeline reads / writes / transactions per item', `${round(batch.perItem.documentReads)} / ${round(batch.perItem.documentWrites)} / ${round(batch.perItem.transactions)}`]);
    // Absent in reports written before the bookkeeping was counted.
    if (batch.bookkeepingPerItem) {
      const own = batch.bookkeepingPerItem;
      rows.push(['batch: its own bookkeeping reads / writes / transactions per item', `${round(own.documentReads)} / ${round(own.documentWrites)} / ${round(own.transactions)}`]);
    }
    rows.push(['batch: peak memory of the fanning-out process', `${round(batch.peakRssMb)} MB (${round(batch.rssBeforeMb)} MB before the batch)`]);
  }
  for (const figures of report.codeExec ?? []) {
    rows.push([
      `code execution, ${figures.language}: sandboxed cold / warm vs direct`,
      `${round(figures.coldMs)} / ${round(figures.warmMs)} vs ${round(figures.directMs)} ms (${round(figures.warmMs - figures.directMs)} ms of sandbox per call, median of ${figures.samples})`,
    ]);
  }
  if (report.codeJob) {
    const python = report.codeExec?.find((figures) => figures.language === 'python');
    rows.push([
      'code execution, the whole local job (Python): cold / warm',
      `${round(report.codeJob.coldMs)} / ${round(report.codeJob.warmMs)} ms${python ? ` (${round(report.codeJob.warmMs - python.warmMs)} ms more than the sandbox alone: the job's process, imports and files)` : ''}, median of ${report.codeJob.samples}`,
    ]);
  }
  if (report.chart) {
    rows.push([
      'render_chart, a 12-bar chart to SVG and PNG: cold / warm',
      `${round(report.chart.coldMs)} / ${round(report.chart.warmMs)} ms (warm: ${round(report.chart.warmMs / report.floor.floorMs, 2)}× the step floor), median of ${report.chart.samples}`,
    ]);
  }
  if (report.browse) {
    const figures = report.browse;
    rows.push([
      'browse: open a page and read it / and take a screenshot',
      `${round(figures.readCallMs)} / ${round(figures.screenshotCallMs)} ms (${round(figures.readCallMs / report.floor.floorMs, 1)}× the step floor), median of ${figures.samples}`,
    ]);
    rows.push([
      'browse: a fresh Chromium per call vs a kept browser',
      `${round(figures.readCallMs)} vs ${round(figures.keptBrowserMs)} ms (${round(figures.readCallMs / figures.keptBrowserMs, 1)}×; starting and closing Chromium alone: ${round(figures.launchMs)} ms)`,
    ]);
  }
  if (report.toolsets) {
    const figures = report.toolsets;
    rows.push([
      'OpenAPI GET through the guarded caller vs plain fetch',
      `${round(figures.openApiMs, 2)} vs ${round(figures.openApiDirectMs, 2)} ms (${round(figures.openApiMs / figures.openApiDirectMs, 2)}×), median of ${figures.samples}`,
    ]);
    rows.push([
      'MCP tool call, a session per call vs one kept session',
      `${round(figures.mcpMs, 2)} vs ${round(figures.mcpKeptSessionMs, 2)} ms (${round(figures.mcpMs / figures.mcpKeptSessionMs, 2)}×: the initialize a restart-safe call pays), median of ${figures.samples}`,
    ]);
  }
  const cost = report.cost.perThousandFiveStepRuns;
  rows.push([
    'cost per 1,000 five-step runs (Firestore + Pub/Sub + invocations + compute)',
    `$${round(cost.totalUsd, 4)} = ${round(cost.firestoreUsd, 4)} + ${round(cost.pubsubUsd, 4)} + ${round(cost.invocationsUsd, 4)} + ${round(cost.computeUsd, 4)}`,
  ]);
  const width = Math.max(...rows.map((row) => row[0]!.length));
  const lines = rows.map((row) => `${row[0]!.padEnd(width)}  ${row[1]}`);
  const targets = checkTargets(report).map((check) => `${check.met ? 'met   ' : 'MISSED'}  ${check.target}: ${check.measured}`);
  return [
    `agentline bench, ${report.createTime}, ${report.machine.cpus} CPUs, load ${report.machine.loadAverage.map((load) => round(load)).join(' ')}`,
    '',
    ...lines,
    '',
    'Targets:',
    ...targets,
    '',
    `Cost assumptions: ${cost.assumptions.join('; ')}.`,
    '',
  ].join('\n');
}
