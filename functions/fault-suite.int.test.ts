import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../infra/topology.ts';
import { isTerminal, type Run } from '../shared/domain/run.ts';
import type { Submission } from '../shared/domain/submission.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { faultAgentYaml, faultInput, faultScripts, inputOf, respondFromScripts, type FaultScript } from '../shared/testing/fault-scripts.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { createLedgerTool } from '../shared/testing/ledger.ts';
import { httpLedgerClient, startLedgerServer, type LedgerServer } from '../shared/testing/ledger-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { createDeployedDeliveryPolicy } from '../shared/testing/deployed-delivery-policy.ts';
import { createSeededFaultLayer } from '../shared/testing/seeded-fault-layer.ts';
import { startTestStack, wireServerTestEnv } from '../shared/testing/test-stack.ts';

// Size and seed: AGENTLINE_FAULT_RUNS=200 AGENTLINE_FAULT_SEED=7 npx vitest run --project integration functions/fault-suite.int.test.ts
const runCount = Number(process.env['AGENTLINE_FAULT_RUNS'] ?? 40);
const seed = Number(process.env['AGENTLINE_FAULT_SEED'] ?? 1);
// All runs are submitted at once, so on 2 cores with every message duplicated the emulator's push
// backlog, not a lost run, decides how long the last one takes: 200 runs needed about 4 minutes.
// The wait grows with the size so a large suite reports lost runs, not a queue still draining.
const runTimeoutMs = Number(process.env['AGENTLINE_FAULT_RUN_TIMEOUT_MS'] ?? Math.max(240_000, runCount * 4_000));
// Every step's deliveries may die twice, at any of four points; every message goes out one to three times.
const maxCrashesPerMessage = 2;
const faults = createSeededFaultLayer({
  seed,
  crashBeforeEffectRate: 0.1,
  crashAfterEffectRate: 0.1,
  crashAfterCommitRate: 0.1,
  crashAfterPublishRate: 0.05,
  // Lost after the commit with no redelivery to come: only the outbox and the sweeper carry these runs on.
  loseAfterCommitRate: 0.05,
  maxCrashesPerMessage,
});
// The deployed subscriptions' policy, which the emulator does not apply: backoff 1–10 s between
// redeliveries of a nacked message, and the dead-letter topic after 20 delivery attempts. The
// backoff is scaled by the test's lease over the deployed one (2 s / 120 s for model steps), so a
// nacked redelivery meets a live lease as often as it would in the cloud.
const deployedModelLeaseSeconds = 120;
const testLeaseSeconds = Number(wireServerTestEnv('')['AGENTLINE_MODEL_LEASE_SECONDS']);
const policy = createDeployedDeliveryPolicy({
  policies: topology,
  timeScale: testLeaseSeconds / deployedModelLeaseSeconds,
  projectId: () => stack.projectId,
  publishToDeadLetterTopic: async (data, attributes, topic) => void (await stack.deps.pubsub.topic(topic).publishMessage({ data, attributes })),
});

/**
 * Room for what the faults cost: every attempt claims one LLM call before its request, so each
 * crash of a model step (up to `maxCrashesPerMessage` per step) spends one, and a takeover of a
 * request still running when its lease ended spends one more.
 */
function llmCallLimitOf(script: FaultScript): number {
  return script.turns.length * (maxCrashesPerMessage + 2);
}

let stack: LocalStack;
let gemini: GeminiWireServer;
let ledger: LedgerServer;

beforeAll(async () => {
  gemini = await startGeminiWireServer({ respond: respondFromScripts });
  ledger = await startLedgerServer();
  stack = await startTestStack('fault', {
    env: { ...wireServerTestEnv(gemini.url), AGENTLINE_SWEEP_GRACE_SECONDS: '3' },
    sweepIntervalMs: 1_000,
    decorate: (deps) => faults.decorate({ ...deps, tools: [...deps.tools, createLedgerTool(httpLedgerClient(ledger.url))] }),
    wrapHandlers: (handlers) => policy.wrapHandlers(faults.wrapHandlers(handlers)),
  });
});

afterAll(async () => {
  await policy.close();
  await stack?.stop();
  await gemini?.close();
  await ledger?.close();
});

interface Outcome {
  script: FaultScript;
  input: string;
  run: Run;
  /** Events after the user's input, which differs between runs only by its label. */
  events: unknown[];
}

async function submitAndWait(script: FaultScript, label: string, timeoutMs: number): Promise<Outcome> {
  const input = faultInput(script, label);
  const submission: Submission = {
    schemaVersion: 1,
    agent: { configYaml: faultAgentYaml, fileName: 'fault_agent.yaml' },
    input,
    runConfig: { max_llm_calls: llmCallLimitOf(script), streaming_mode: script.streaming },
    idempotencyKey: `fault-${seed}-${input}`,
  };
  const runId = await submitToStack(stack, submission);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await stack.deps.store.getRun(runId);
    if (run && isTerminal(run.state)) {
      const events = (await stack.deps.store.listEvents(runId)).map((event) => event.content);
      return { script, input, run, events: events.slice(1) };
    }
    if (Date.now() > deadline) {
      const steps = await stack.deps.store.listSteps(runId);
      const described = steps.map((step) => {
        const body = JSON.stringify({ schemaVersion: 1, runId, stepId: step.stepId, kind: step.kind });
        return `${step.stepId}:${step.state}#${step.attempt} [${faults.historyOf(body).join(' | ')}]`;
      });
      throw new Error(`run ${runId} (${input}, seed ${seed}) is ${run?.state ?? 'missing'} after ${timeoutMs} ms; steps ${described.join(' ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the fault-injection suite, under the deployed delivery policy', () => {
  it(`ends ${runCount} runs exactly as without faults, with one effect per call, no budget overshoot and nothing dead-lettered (seed ${seed})`, { timeout: runTimeoutMs + 360_000 }, async () => {
    faults.setEnabled(false);
    const references = new Map<string, Outcome>();
    for (const script of faultScripts) references.set(script.name, await submitAndWait(script, 'reference', 30_000));
    for (const reference of references.values()) expect(reference.run.state).toBe('SUCCEEDED');
    faults.resetFigures();
    faults.setEnabled(true);

    const settled = await Promise.allSettled(
      Array.from({ length: runCount }, (_, index) => submitAndWait(faultScripts[index % faultScripts.length]!, `run ${index}`, runTimeoutMs)),
    );
    const outcomes = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const lost = settled.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
    console.info(`fault suite: runs ended; lost: ${JSON.stringify(lost)}; in flight: ${JSON.stringify(faults.inFlight())}`);
    await expect.poll(() => faults.unacknowledged(), { timeout: 60_000, interval: 500 }).toEqual([]);

    const problems: string[] = [...lost];
    let duplicateEffects = 0;
    let budgetOvershoots = 0;
    const bookings = ledger.ledger.countsByKey();
    for (const outcome of outcomes) {
      const { run, script, input } = outcome;
      const reference = references.get(script.name)!;
      const where = `${input} (run ${run.runId}, seed ${seed})`;
      if (run.state !== 'SUCCEEDED') problems.push(`${where} ended ${run.state}: ${JSON.stringify(run.error)}`);
      if (JSON.stringify(run.output) !== JSON.stringify(reference.run.output)) problems.push(`${where}: output differs from the fault-free run`);
      if (JSON.stringify(outcome.events) !== JSON.stringify(reference.events)) problems.push(`${where}: events differ from the fault-free run`);
      const keys = [...bookings].filter(([key]) => key.startsWith(`${run.runId}/`));
      const repeated = keys.filter(([, count]) => count > 1);
      duplicateEffects += repeated.reduce((sum, [, count]) => sum + count - 1, 0);
      if (keys.length !== script.ledgerCalls || repeated.length > 0) problems.push(`${where}: bookings ${JSON.stringify(keys)}, expected ${script.ledgerCalls} once each`);
      const requests = gemini.requests.filter((request) => inputOf(request) === input).length;
      const limit = llmCallLimitOf(script);
      if (requests > run.llmCallCount || run.llmCallCount > limit) {
        budgetOvershoots++;
        problems.push(`${where}: ${requests} model requests, llmCallCount ${run.llmCallCount}, max_llm_calls ${limit}`);
      }
    }
    const figures = {
      seed,
      runs: runCount,
      ...faults.figures,
      mostDeliveryAttempts: policy.figures.maxAttempts,
      redeliveriesAfterBackoff: policy.figures.redeliveriesScheduled,
      deadLetteredByPolicy: policy.figures.deadLettered,
      runsLost: runCount - outcomes.filter((outcome) => outcome.run.state === 'SUCCEEDED').length,
      duplicateEffects,
      budgetOvershoots,
      bookings: ledger.ledger.entries.length,
      modelRequests: gemini.requests.length,
    };
    console.info(`fault suite: ${JSON.stringify(figures)}`);
    const retried = policy.messages().filter((message) => message.attempts > 3);
    if (retried.length > 0) console.info(`fault suite: messages delivered more than 3 times: ${JSON.stringify(retried)}`);

    expect(gemini.unexpectedCalls).toEqual([]);
    expect(faults.figures.deadLettered).toBe(0);
    expect(policy.figures.deadLettered).toBe(0);
    // Only the injected crashes were nacked: no duplicate, lease, wait or retry spent an attempt.
    expect(policy.figures.maxAttempts).toBeLessThanOrEqual(maxCrashesPerMessage + 1);
    expect(problems).toEqual([]);
    // The layers must actually have injected something, or this test proves nothing.
    expect(faults.figures.concurrentDuplicates).toBeGreaterThan(0);
    for (const crash of ['crashesBeforeEffect', 'crashesAfterEffect', 'crashesAfterCommit', 'crashesAfterPublish', 'messagesLost'] as const) {
      expect(faults.figures[crash], crash).toBeGreaterThan(0);
    }
    expect(policy.figures.redeliveriesScheduled).toBeGreaterThan(0);
  });
});
