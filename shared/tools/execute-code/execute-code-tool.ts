import { z } from 'zod';
import { InvalidInputError, TransientError } from '../../domain/errors.ts';
import { artifactScopeOfCall } from '../artifact-scope-of-call.ts';
import {
  isPrivateArtifactName,
  codeLanguages,
  maxCodeBytes,
  maxInputFiles,
  requestArtifactName,
  requestVariable,
  wakeTopicVariable,
  type CodeExecutionRequest,
  type RequestPointer,
} from '../../domain/code-execution/code-execution.ts';
import { defaultSandboxLimits, type SandboxLimits } from '../../domain/code-execution/sandbox-limits.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { CodeJobLauncher } from '../../ports/code-job-launcher.ts';
import { ToolFailure, type LongRunningProgress, type LongRunningTask, type LongRunningTool, type ToolContext, type ToolResult } from '../tool.ts';
import { readReport, resultOfReport } from './code-execution-report.ts';

export const executeCodeInputSchema = z.object({
  language: z.enum(codeLanguages).describe('The language of `code`: "python" (Python 3 with its standard library, plus numpy and matplotlib where installed) or "javascript" (Node.js)'),
  code: z
    .string()
    .min(1)
    .refine((code) => Buffer.byteLength(code) <= maxCodeBytes, `must be at most ${maxCodeBytes} bytes`)
    .describe('The whole program. It runs in an empty folder holding the input files; print results to stdout, and write files (charts as PNG) to the current folder to return them.'),
  input_files: z
    .array(z.string().min(1))
    .max(maxInputFiles)
    .default([])
    .describe("Names of this run's files (its input files, or files earlier code wrote) to copy into the folder first"),
});
export type ExecuteCodeInput = z.infer<typeof executeCodeInputSchema>;

export const executeCodeToolName = 'execute_code';


/** Where code runs and how it is watched; absent where code execution is not set up. */
export interface CodeExecutionSetup {
  launcher: CodeJobLauncher;
  artifacts: ArtifactStore;
  /** The tool step's topic, on which the job wakes the step once it has reported. */
  wakeTopic: string;
  limits?: SandboxLimits;
  /** When a running execution is checked again without a wake (default 15 s). */
  recheckMs?: number;
  /** How long past its wall-time limit an execution is waited for (start-up, image pull) before it counts as lost (default 5 min). */
  graceMs?: number;
}

/**
 * `execute_code` (docs/architecture.md, "Code execution"): runs Python or JavaScript in the
 * sandbox of the code-exec job and answers with stdout, stderr (capped), the exit status, the
 * limit hit, and the files the code wrote, kept as the run's artifacts — images shown to the model.
 * A long-running tool: the step launches one execution per call (found again by the call's key
 * after a crash), hands itself back, and is woken by the job's report; a job that dies silently
 * is found by the step's own rechecks and deadline.
 */
export function createExecuteCodeTool(setup: CodeExecutionSetup | undefined): LongRunningTool<ExecuteCodeInput> {
  const limits = setup?.limits ?? defaultSandboxLimits;
  const recheckMs = setup?.recheckMs ?? 15_000;
  const maxWaitMs = limits.wallSeconds * 1000 + (setup?.graceMs ?? 300_000);
  const configured = (): CodeExecutionSetup => {
    if (!setup) throw new ToolFailure('Code execution is not set up on this deployment (it needs an artifact store and the code-exec job)');
    return setup;
  };

  /** The call's result when its job has reported, checked as input; undefined while it has not. */
  async function reported(context: ToolContext): Promise<ToolResult | undefined> {
    const { artifacts } = configured();
    const scope = scopeOf(context);
    const report = await readReport(artifacts, scope, context.idempotencyKey);
    return report && resultOfReport(artifacts, scope, report, context);
  }

  /**
   * Stops an execution whose result is no longer waited for, so it writes nothing more into the
   * run; what it says is part of the call's answer. Best effort: a refusal (no permission, say) is
   * said, not retried forever; only a launcher that is unreachable for now is tried again.
   */
  async function stop(taskId: string): Promise<string> {
    try {
      await configured().launcher.cancel(taskId);
      return 'cancelled';
    } catch (error) {
      if (error instanceof TransientError) throw error;
      return `could not be cancelled: ${(error as Error).message.slice(0, 300)}`;
    }
  }

  async function follow(_input: ExecuteCodeInput, task: LongRunningTask, context: ToolContext): Promise<LongRunningProgress> {
    const done = await reported(context);
    if (done) return { kind: 'done', result: done };
    const state = await configured().launcher.state(task.taskId);
    const now = context.now();
    if (state.kind === 'running') {
      const deadline = task.startTime + maxWaitMs;
      if (now < deadline) return { kind: 'running', ...task, recheckTime: Math.min(now + recheckMs, deadline) };
      const stopped = await stop(task.taskId);
      // It may have reported while it was being stopped: a result is never thrown away.
      const justNow = await reported(context);
      if (justNow) return { kind: 'done', result: justNow };
      return lost(`did not report within ${Math.round(maxWaitMs / 1000)} s of its start and ${stopped === 'cancelled' ? 'was cancelled' : stopped}`, task);
    }
    // It ended: its report, if any, was saved before it did (read again, in case that was just now).
    const late = await reported(context);
    if (late) return { kind: 'done', result: late };
    return lost(state.kind === 'missing' ? 'can no longer be found' : `ended (${state.kind}) without reporting`, task);
  }

  return {
    name: executeCodeToolName,
    description:
      'Runs a Python or JavaScript program in an isolated sandbox (no network, limited time and memory) and returns its ' +
      'stdout, stderr, exit code and the files it wrote, which become files of this run. Use it for calculations over data, ' +
      'transforming files and drawing charts (save them as PNG). Each call starts from a fresh folder; pass earlier files by name in input_files.',
    inputSchema: executeCodeInputSchema,
    repeatable: false,
    longRunning: true,
    async start(input, context, prior) {
      const { artifacts, launcher, wakeTopic } = configured();
      const key = context.idempotencyKey;
      const now = context.now();
      if (prior) {
        // An earlier attempt may have launched it before it could record so: its report, if it
        // has one (even once the execution itself is no longer listed), else the execution to follow.
        const done = await reported(context);
        if (done) return { kind: 'done', result: done };
        const earlier = await launcher.find(key, context.intentTime ?? now - maxWaitMs);
        if (earlier) return follow(input, { taskId: earlier, startTime: context.intentTime ?? now }, context);
      }
      // Past its lease another attempt may have taken the call over and launched: never launch late.
      if (now > context.deadline) throw new TransientError(`This attempt's lease ended before it could launch ${key}`, { code: 'LEASE_ENDING' });
      const scope = scopeOf(context);
      const request: CodeExecutionRequest = {
        schemaVersion: 1,
        key,
        scope: { ...scope, runId: context.runId },
        tool: executeCodeToolName,
        language: input.language,
        code: input.code,
        inputFiles: await inputVersions(artifacts, scope, input.input_files),
        limits,
      };
      const saved = await artifacts.save(scope, {
        name: requestArtifactName(key),
        data: Buffer.from(JSON.stringify(request)),
        contentType: 'application/json',
        provenance: { runId: context.runId, stepId: context.stepId, tool: executeCodeToolName },
      });
      const pointer: RequestPointer = { scope: request.scope, name: saved.name, version: saved.version };
      const taskId = await launcher.launch(key, { [requestVariable]: JSON.stringify(pointer), [wakeTopicVariable]: wakeTopic });
      return { kind: 'running', taskId, startTime: now, recheckTime: now + recheckMs };
    },
    follow,
    async settle(task, context) {
      const done = await reported(context);
      if (done) return done.response;
      // Launched by an attempt that died before it could record the execution: say so, never "not run".
      const taskId = task?.taskId ?? (await configured().launcher.find(context.idempotencyKey, context.intentTime ?? context.now() - maxWaitMs));
      if (!taskId) return { error: 'The run ended before the code ran, or while it was being started' };
      const stopped = await stop(taskId);
      const justNow = await reported(context);
      if (justNow) return justNow.response;
      return { error: `The run ended while the code was running (execution ${taskId}, ${stopped}); its result was not waited for` };
    },
  };
}

function scopeOf(context: ToolContext) {
  return { ...artifactScopeOfCall(context), runId: context.runId };
}

function lost(what: string, task: LongRunningTask): LongRunningProgress {
  return { kind: 'done', result: { response: { error: `The code execution ${what} (execution ${task.taskId}); run it again if it still matters` } } };
}

/** The latest version of each named file of the scope; a ToolFailure naming what is missing. */
async function inputVersions(artifacts: ArtifactStore, scope: ReturnType<typeof scopeOf>, names: readonly string[]) {
  const records = names.filter(isPrivateArtifactName);
  if (records.length > 0) throw new ToolFailure(`${records.join(', ')}: records the pipeline keeps for itself, not files code can read`);
  const missing: string[] = [];
  const found = await Promise.all(
    [...new Set(names)].map(async (name) => {
      // A name that cannot be an artifact's is simply not one of them; a store failure escapes.
      const versions = await artifacts.versions(scope, name).catch((error: unknown) => {
        if (error instanceof InvalidInputError) return [];
        throw error;
      });
      if (versions.length === 0) missing.push(name);
      return { name, version: versions.at(-1) ?? 0 };
    }),
  );
  if (missing.length > 0) {
    const available = (await artifacts.list(scope)).map((artifact) => artifact.name).filter((name) => !isPrivateArtifactName(name));
    throw new ToolFailure(`No file named ${missing.join(', ')} in this run. Its files: ${available.length > 0 ? available.sort().join(', ') : '(none)'}`);
  }
  return found;
}
