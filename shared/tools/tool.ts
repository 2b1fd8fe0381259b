import type { z } from 'zod';
import type { ArtifactPart } from '../domain/content.ts';

export interface ToolContext {
  runId: string;
  stepId: string;
  /** Attempt number of this tool step (1 on first delivery). */
  attempt: number;
  /**
   * The same for every attempt of this call (derived from run and step): a non-repeatable tool
   * sends it with its effect, so that `reconcile` can later ask whether the effect happened.
   */
  idempotencyKey: string;
  /**
   * When this attempt's lease ends (epoch ms). After it another delivery may take the step over
   * and reconcile, so a non-repeatable tool must not start its effect later than this, and
   * should give up waiting for it by then (see `NonRepeatableTool`).
   */
  deadline: number;
  now(): number;
  /** When the call's intent was first committed (non-repeatable tools): no effect of it is older. */
  intentTime?: number;
  /** Whose call this is: the run's user and session, where its files (artifacts) belong. */
  userId?: string;
  sessionId?: string;
}

interface ToolBase<Input> {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
  /** The arguments' JSON Schema as the model is shown it, when it is not generated from `inputSchema` (an OpenAPI operation's). */
  parametersJsonSchema?: Record<string, unknown>;
  execute(input: Input, context: ToolContext): Promise<unknown>;
}

/** A tool whose call may simply run again: pure or read-only (calculator, current_time). */
export interface RepeatableTool<Input = unknown> extends ToolBase<Input> {
  /** True when running it twice has the same effect as once. */
  repeatable: true;
}

/**
 * A tool with an effect that must happen once per call (a payment, an email). Before it runs,
 * the tool step commits a write-once intent record on the step; a later attempt that finds the
 * intent but no committed result calls `reconcile` instead of assuming either way.
 *
 * What the pipeline guarantees, given a `reconcile` that answers truthfully:
 * - the effect is not started twice by two live attempts at once (the step lease excludes them);
 * - after a crash, a retry performs the effect only if `reconcile` says it did not happen, and
 *   otherwise answers the model with the recorded output, so a crash between effect and commit
 *   never repeats the effect.
 * What it cannot guarantee: an effect request still in flight when its attempt's lease ends
 * (a process that hung past `context.deadline`, or died with the request on the wire and the
 * remote side applies it after the retry's lookup) can be applied twice. A tool narrows that
 * window by not starting after `deadline` and by bounding its request by it; only a remote
 * system that itself deduplicates by `idempotencyKey` closes it.
 */
export interface NonRepeatableTool<Input = unknown> extends ToolBase<Input> {
  repeatable: false;
  /**
   * Whether the effect sent with `key` happened, and if so its recorded output. Called only on
   * a retry that found an intent without a result. Throws `TransientError` when it cannot tell
   * yet (the step is retried); it must never guess "did not happen".
   */
  reconcile(key: string, context: ToolContext): Promise<Reconciliation>;
  /**
   * Set by a tool that cannot ask whether its effect happened and instead resends it with the same
   * key for the remote side to deduplicate (an OpenAPI operation): its `reconcile` answers "did not
   * happen" to mean "send again", so a run that ends first records the effect as unknown, never as
   * not performed (docs/architecture.md, "OpenAPI toolsets").
   */
  reconcilesByResending?: true;
}

/** What a non-repeatable tool's lookup found for an idempotency key. */
export type Reconciliation = { happened: true; output: unknown } | { happened: false };

/**
 * A tool whose work runs elsewhere and may outlast a step's lease (code execution in a Cloud Run
 * job): the step starts it, hands itself back, and follows it through the delay queue — early
 * when the work wakes the step — never holding a function open for it (docs/architecture.md,
 * "Long-running tools"). Non-repeatable: the step's intent record is written before `start`, and
 * a retry after a crash passes `prior`, so `start` finds the work that attempt began (by
 * `context.idempotencyKey`) instead of beginning a second.
 */
export interface LongRunningTool<Input = unknown> extends Omit<ToolBase<Input>, 'execute'> {
  repeatable: false;
  longRunning: true;
  start(input: Input, context: ToolContext, prior: boolean): Promise<LongRunningProgress>;
  /** Where the work started as `task` is now. */
  follow(input: Input, task: LongRunningTask, context: ToolContext): Promise<LongRunningProgress>;
  /** The run ended with the call outstanding: what became of the work, found out without starting any. */
  settle(task: LongRunningTask | undefined, context: ToolContext): Promise<Record<string, unknown>>;
}

/** Work a long-running tool started: its id where it runs, and when it started. */
export interface LongRunningTask {
  taskId: string;
  startTime: number;
}

/** What a long-running tool's work has come to: still running (check again then), or done. */
export type LongRunningProgress =
  | ({ kind: 'running'; recheckTime: number } & LongRunningTask)
  | { kind: 'done'; result: ToolResult };

/**
 * A finished call's result beyond its JSON: files to show the model as parts (images it can look
 * at), and the compute it used, counted in the run's usage.
 */
export interface ToolResult {
  response: Record<string, unknown>;
  parts?: ArtifactPart[];
  computeSeconds?: number;
}

export type { ArtifactPart };

/**
 * What an immediate tool returns when the model should also see files it saved (a rendered
 * chart, a screenshot): its output, and the files, shown to the model as parts the way
 * `execute_code`'s images are (docs/architecture.md, "Artifacts").
 */
export class OutputWithFiles {
  readonly output: unknown;
  readonly files: readonly ArtifactPart[];
  constructor(output: unknown, files: readonly ArtifactPart[]) {
    this.output = output;
    this.files = files;
  }
}

/** A tool that answers within its step (every tool but the long-running ones). */
export type ImmediateTool<Input = unknown> = RepeatableTool<Input> | NonRepeatableTool<Input>;

/**
 * A tool is data: a snake_case name, a description for the model, a zod schema for its
 * arguments and an execute function. Bad arguments and ordinary failures are reported back to
 * the model as a tool error (see `ToolFailure`); only `TransientError` escapes to be retried.
 */
export type Tool<Input = unknown> = ImmediateTool<Input> | LongRunningTool<Input>;

export function isLongRunning(tool: Tool): tool is LongRunningTool {
  return 'longRunning' in tool && tool.longRunning;
}

/** What the model is told about a function it may call: a tool, or a sub-agent called as one. */
export type ToolDescription<Input = unknown> = Pick<Tool<Input>, 'name' | 'description' | 'inputSchema' | 'parametersJsonSchema'>;

/** Thrown by a tool for a failure the model should see and may correct (e.g. division by zero). */
export class ToolFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolFailure';
  }
}
