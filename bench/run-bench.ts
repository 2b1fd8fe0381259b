import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import os from 'node:os';
import { startLocalStack } from '../shared/local-stack/start-local-stack.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { parseBenchOptions } from './bench-options.ts';
import { documentsKeptByRun, nextScriptedTurn } from './conversation-script.ts';
import { countOperations } from '../shared/testing/counting-deps.ts';
import { estimateCost, listPrices } from './estimate-cost.ts';
import { measureFloor } from './measure-floor.ts';
import { measureInProcess } from './measure-in-process.ts';
import { measureConversations, measureThroughput } from './measure-stack.ts';
import { measureBatch } from './measure-batch.ts';
import { measureCodeExec } from './measure-code-exec.ts';
import { measureChart } from './measure-chart.ts';
import { measureBrowse } from './measure-browse.ts';
import { measureToolsets } from './measure-toolsets.ts';
import { measureCodeJob } from './measure-code-job.ts';
import { zeroCounts } from '../shared/testing/operation-counts.ts';
import { median } from './stats.ts';
import { formatReport, type BenchReport } from './format-report.ts';

/**
 * `npm run bench`: the pipeline's own cost on the local stack (real emulators, functions served
 * as in `agentline dev`, a Gemini-wire server that answers at once), against the floor of one
 * Pub/Sub push plus one transaction measured on the same emulators in the same run.
 */
async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  let toolTurns = 1;
  const gemini = await startGeminiWireServer({
    respond: (request) => {
      const turn = nextScriptedTurn(request.body.contents, toolTurns);
      return turn.kind === 'call' ? functionCallReply([{ name: 'calculator', args: { expression: turn.value } }]) : textReply(turn.value);
    },
  });
  const counts = zeroCounts();
  log('starting the local stack (emulators, functions, push subscriptions)');
  const stack = await startLocalStack({
    projectId: `agentline-bench-${process.pid}`,
    env: { GEMINI_API_KEY: 'bench-key', GOOGLE_GEMINI_BASE_URL: gemini.url, AGENTLINE_LOG_LEVEL: 'silent' },
    decorate: countOperations(counts),
    // Sweeps would add their reads to the runs being counted.
    sweepIntervalMs: 0,
  });
  const started = Date.now();
  try {
    const bench = { stack, counts, setToolTurns: (turns: number) => void (toolTurns = turns) };
    const floorSamples = Math.max(10, 4 * options.repetitions);
    log(`floor: ${floorSamples} publish → push → transaction samples`);
    const floor = await measureFloor({ pubsub: stack.deps.pubsub, firestore: stack.deps.firestore, projectId: stack.projectId }, floorSamples);
    log(`3-step conversations (no tool call): ${options.repetitions} runs`);
    const none = await measureConversations(bench, 0, options.repetitions);
    log(`5-step conversations: ${options.repetitions} runs`);
    const short = await measureConversations(bench, 1, options.repetitions);
    log(`51-step conversations: ${options.repetitions} runs`);
    const long = await measureConversations(bench, 24, options.repetitions);
    log('throughput: 20 five-step runs at once');
    const throughput = await measureThroughput(bench, 1, 20);
    log('floor again, after the load');
    const floorAfter = await measureFloor({ pubsub: stack.deps.pubsub, firestore: stack.deps.firestore, projectId: stack.projectId }, floorSamples);
    log('in-process: agentline in-memory world vs @google/adk InMemoryRunner');
    const inProcessRuns = 10 * options.repetitions;
    const inProcess = [await measureInProcess(1, inProcessRuns), await measureInProcess(24, inProcessRuns)];

    log('code execution: a small program in the sandbox (cold, then warm) and run directly');
    const codeExec = [await measureCodeExec('python', 10 * options.repetitions), await measureCodeExec('javascript', 10 * options.repetitions)];
    log('code execution: the whole local job (request saved, job process launched, report saved)');
    const codeJob = await measureCodeJob(3 * options.repetitions);
    log('charts: render_chart draws a 12-bar chart to SVG and PNG (cold, then warm)');
    const chart = await measureChart(10 * options.repetitions);
    log('toolsets: an OpenAPI GET and an MCP tool call against local servers, through the callers and directly');
    const toolsets = await measureToolsets(20 * options.repetitions);
    log('browser: browse calls against a local page (a fresh Chromium each), Chromium start-up alone, and a kept browser');
    const browse = await measureBrowse(3 * options.repetitions);

    await stack.stop();
    log('batch: 1,000 one-call items, concurrency 50, a 600 RPM quota enforced by the model server (a stack of its own)');
    const batch = await measureBatch(1_000, 50, 600, log);

    const floorMs = median([...floor.floorSamplesMs, ...floorAfter.floorSamplesMs]);
    const handlerMs = Math.max(0, short.msPerStep - (floor.publishToPushMs + floorAfter.publishToPushMs) / 2);
    const billedSeconds = Math.max(1, Math.ceil(handlerMs / 100)) / 10;
    const report: BenchReport = {
      schemaVersion: 1,
      createTime: new Date().toISOString(),
      command: `npm run bench -- --repetitions ${options.repetitions}`,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage: os.loadavg(), node: process.version },
      repetitions: options.repetitions,
      floor: { before: floor, after: floorAfter, floorMs },
      conversations: [none, short, long],
      throughput,
      inProcess,
      batch,
      codeExec,
      codeJob,
      chart,
      toolsets,
      browse,
      cost: { perThousandFiveStepRuns: estimateCost(short.perRun, 1_000, billedSeconds, documentsKeptByRun(short.toolTurns)), prices: listPrices },
      durationSeconds: (Date.now() - started) / 1000,
    };
    await mkdir(dirname(options.outFile), { recursive: true });
    await writeFile(options.outFile, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(formatReport(report));
    process.stdout.write(`\nFigures written to ${options.outFile}\n`);
  } finally {
    await stack.stop();
    await gemini.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
