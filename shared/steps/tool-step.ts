import { createHash } from 'node:crypto';
import type { ArtifactMetadata, ArtifactScope } from '../domain/artifacts/artifact.ts';
import type { ArtifactStore, SaveArtifact } from '../ports/artifact-store.ts';
import type { Run } from '../domain/run.ts';
import { artifactScopeOfRun } from '../domain/artifacts/run-scope.ts';
import type { Step, ToolIntent } from '../domain/step.ts';
import { hasUnsettledIntent, toolCallKeyOf } from '../domain/step.ts';
import type { Deps } from '../engine/deps.ts';
import type { EffectContext, EffectOutcome, StepKindDefinition } from '../engine/step-kind.ts';
import { executeToolCall, unknownToolResult } from '../tools/execute-tool-call.ts';
import { subAgentByToolName } from '../tools/sub-agent-tool.ts';
import { isLongRunning, ToolFailure, type Tool, type ToolContext, type ToolResult } from '../tools/tool.ts';
import { advanceLongRunningTool } from './long-running-call.ts';
import { functionsOfAgent, toolsOfAgent, type ToolsetCallers } from './build-model-request.ts';
import { callSubAgent } from './sub-agent-call.ts';
import { createToolTurnJoin } from './tool-turn-join.ts';

/**
 * What one tool call produced for the model: the function response, files shown to the model as
 * parts, the compute it used (counted in the run's usage), and how long it took.
 */
export interface ToolValue extends ToolResult {
  durationMs: number;
}

type ToolDeps = Pick<Deps, 'store' | 'remoteAgents' | 'clock' | 'tools' | 'logger' | 'settings' | 'artifacts' | 'openApi' | 'mcp'>;

/**
 * One tool call of a turn: a built-in tool, or a registered A2A sub-agent called as a tool
 * (whose unfinished task hands the step back to be followed again). Parallel calls are a fan-in
 * group: each commits only its own step document, and one commit joins the turn
 * (`createToolTurnJoin`). Whatever goes wrong with the call becomes a function response the model
 * sees: bad arguments, an unknown tool, a tool's own failure, and — after
 * `settings.maxToolAttempts` in a row — transient failures, with the last error.
 */
export function createToolStep(deps: ToolDeps): StepKindDefinition<ToolValue> {
  return {
    kind: 'tool',
    effect: {
      leaseMs: deps.settings.leaseMs.tool,
      maxFailedAttempts: deps.settings.maxToolAttempts,
      claim(run, step, now) {
        return { step: withIntent(step, toolOf(run, step, deps.tools, deps), now) };
      },
      needsSettling: hasUnsettledIntent,
      perform(context) {
        return callTool(deps, context);
      },
      failed({ step, error, attempts, exhausted, settleOnly }) {
        const name = step.input?.functionCall.name ?? 'the tool';
        const message = exhausted ? `Tool ${name} failed ${attempts} times in a row; the last error: ${error.message}` : error.message;
        // A settle that could not learn whether the effect happened says so; it never claims either.
        if (settleOnly) return { response: { error: `Could not settle whether the call took effect: ${message}`, unsettled: true }, durationMs: 0 };
        return { response: { error: message }, durationMs: 0 };
      },
      record(value) {
        return { response: value.response, durationMs: value.durationMs, ...(value.parts?.length ? { parts: value.parts } : {}), ...(value.computeSeconds !== undefined ? { computeSeconds: value.computeSeconds } : {}) };
      },
    },
    async decide() {
      return { state: 'SUCCEEDED' };
    },
    fanIn: createToolTurnJoin(deps),
  };
}

async function callTool(deps: ToolDeps, { run, step, priorIntent, settleOnly }: EffectContext): Promise<EffectOutcome<ToolValue>> {
  const call = step.input!.functionCall;
  const tool = toolOf(run, step, deps.tools, deps);
  const subAgent = subAgentByToolName(run, call.name);
  const started = step.remoteTask?.startTime ?? deps.clock.now();
  let result: ToolResult;
  if (settleOnly) {
    result = { response: await settleIntent(tool, step, toolContext(deps, run, step)) };
  } else if (subAgent) {
    const outcome = await callSubAgent(deps, run, step, subAgent, call.args ?? {});
    if (outcome.kind === 'pending') {
      const reason = { code: 'A2A_TASK_RUNNING', message: `Remote task ${outcome.taskId} is still running` };
      const remoteTask = { taskId: outcome.taskId, startTime: outcome.startTime };
      return { kind: 'wait', retryTime: deps.clock.now() + deps.settings.remoteAgent.recheckDelayMs, reason, remoteTask };
    }
    result = { response: outcome.response };
  } else if (tool && isLongRunning(tool)) {
    const progress = await advanceLongRunningTool(tool, step, call.args ?? {}, toolContext(deps, run, step), priorIntent);
    if (progress.kind === 'running') {
      const reason = { code: 'TOOL_RUNNING', message: `${call.name} is still running (${progress.taskId})` };
      return { kind: 'wait', retryTime: progress.recheckTime, reason, remoteTask: { taskId: progress.taskId, startTime: progress.startTime } };
    }
    result = progress.result;
  } else if (tool) {
    const called = await executeToolCall(tool, call.args ?? {}, toolContext(deps, run, step), priorIntent);
    result = 'files' in called && called.files && called.files.length > 0 ? { response: { output: called.output }, parts: [...called.files] } : { response: called };
  } else {
    result = { response: unknownToolResult(call.name, functionsOfAgent(run, deps.tools, deps)) };
  }
  const durationMs = deps.clock.now() - started;
  deps.logger.info('tool call finished', { runId: run.runId, stepId: step.stepId, tool: call.name, durationMs });
  return { kind: 'done', value: { ...result, response: await recordable(deps, run, step, result.response), durationMs } };
}

/**
 * The most bytes (of JSON) a tool's response may have where it is recorded: on the step document
 * and, with the turn's other calls, in one conversation event, each a Firestore document of at
 * most 1 MiB. So a call gets its share of 900 KB, and at most 400 KB — and, since its step
 * document also holds the call's arguments, never more than what they leave of 900 KB.
 */
export function maxToolResponseBytes(callCount: number, argumentBytes = 0): number {
  return Math.max(0, Math.min(400_000, Math.floor(900_000 / Math.max(1, callCount)), 900_000 - argumentBytes));
}

/** How much of a response too large to record the model sees in its place. */
const previewCharacters = 2_000;

/**
 * The response as it can be recorded (docs/architecture.md, "Artifacts"): itself when it fits;
 * otherwise saved whole as a JSON file of the run, `tool-results/<runId>/<stepId>.json`, and
 * replaced by its name, its size and a preview, so the model can pass it to `execute_code`. Without
 * an artifact store, a tool error naming the size.
 */
async function recordable(deps: ToolDeps, run: Run, step: Step, response: Record<string, unknown>): Promise<Record<string, unknown>> {
  const name = step.input!.functionCall.name;
  const json = JSON.stringify(response);
  const bytes = Buffer.byteLength(json);
  const limit = maxToolResponseBytes(step.input?.callCount ?? 1, Buffer.byteLength(JSON.stringify(step.input!.functionCall.args ?? {})));
  if (bytes <= limit) return response;
  if (!deps.artifacts) return { error: `${name} completed, but its result is ${bytes} bytes of JSON, over the ${limit}-byte limit of a recorded tool result, and this deployment keeps no files to hold it` };
  const saved = await savedOnce(deps.artifacts, artifactScopeOfRun(run), {
    name: `tool-results/${run.runId}/${step.stepId}.json`,
    data: Buffer.from(json),
    contentType: 'application/json',
    provenance: { runId: run.runId, stepId: step.stepId, tool: name },
  });
  return {
    result_file: { name: saved.name, version: saved.version, bytes, content_type: saved.contentType },
    preview: json.slice(0, previewCharacters),
    note: `The result is ${bytes} bytes of JSON, too large to show whole: the preview is its first ${previewCharacters} characters. Pass "${saved.name}" in execute_code's input_files to work with all of it.`,
  };
}

/**
 * The step's result file as saved: the latest version when an attempt of this step that never
 * committed saved the same bytes (a redelivery, a crash after the save), else a new version.
 */
async function savedOnce(artifacts: ArtifactStore, scope: ArtifactScope, file: SaveArtifact): Promise<ArtifactMetadata> {
  const latest = (await artifacts.versions(scope, file.name)).at(-1);
  const earlier = latest === undefined ? undefined : await artifacts.metadata(scope, file.name, latest);
  if (earlier && earlier.sha256 === createHash('sha256').update(file.data).digest('hex')) return earlier;
  return artifacts.save(scope, file);
}

/**
 * The run ended while a non-repeatable call's intent was outstanding: find out whether the
 * effect happened (never perform it now), so the step records the truth.
 */
async function settleIntent(tool: Tool | undefined, step: Step, context: ToolContext): Promise<Record<string, unknown>> {
  if (!tool || tool.repeatable) return { error: 'Not performed: the run ended first' };
  if (isLongRunning(tool)) return { ...(await tool.settle(step.remoteTask, context)), settledAfterRunEnded: true };
  if (tool.reconcilesByResending) return { error: 'Unknown whether it took effect: the run ended while the request may have been in flight', unsettled: true, settledAfterRunEnded: true };
  let found;
  try {
    found = await tool.reconcile(context.idempotencyKey, context);
  } catch (error) {
    // A tool that cannot tell (an MCP call that may have reached its server) says so: recorded as unknown, not retried.
    if (error instanceof ToolFailure) return { error: `Unknown whether it took effect: ${error.message}`, unsettled: true, settledAfterRunEnded: true };
    throw error;
  }
  return found.happened ? { output: found.output, settledAfterRunEnded: true } : { error: 'Not performed: the run ended first', settledAfterRunEnded: true };
}

function toolContext(deps: Pick<Deps, 'clock'>, run: Run, step: Step): ToolContext {
  return {
    runId: step.runId,
    stepId: step.stepId,
    attempt: step.attempt,
    idempotencyKey: toolCallKeyOf(step.runId, step.stepId),
    deadline: step.leaseExpireTime!,
    now: () => deps.clock.now(),
    ...(step.intent ? { intentTime: step.intent.createTime } : {}),
    ...(run.userId !== undefined ? { userId: run.userId } : {}),
    ...(run.sessionId !== undefined ? { sessionId: run.sessionId } : {}),
  };
}

function toolOf(run: Run, step: Step, tools: readonly Tool[], callers: ToolsetCallers): Tool | undefined {
  const name = step.input?.functionCall.name;
  return toolsOfAgent(run, tools, callers).find((candidate) => candidate.name === name);
}

/**
 * The claimed step with the intent record of a non-repeatable tool, written in the claim (so it
 * is committed before the effect starts) and only once: a retry keeps the first intent.
 */
function withIntent(step: Step, tool: Tool | undefined, now: number): Step {
  if (!tool || tool.repeatable || step.intent) return step;
  const intent: ToolIntent = { key: toolCallKeyOf(step.runId, step.stepId), attempt: step.attempt + 1, createTime: now };
  return { ...step, intent };
}
