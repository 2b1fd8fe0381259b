import type { z } from 'zod';

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
}

interface ToolBase<Input> {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
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
}

/** What a non-repeatable tool's lookup found for an idempotency key. */
export type Reconciliation = { happened: true; output: unknown } | { happened: false };

/**
 * A tool is data: a snake_case name, a description for the model, a zod schema for its
 * arguments and an execute function. Bad arguments and ordinary failures are reported back to
 * the model as a tool error (see `ToolFailure`); only `TransientError` escapes to be retried.
 */
export type Tool<Input = unknown> = RepeatableTool<Input> | NonRepeatableTool<Input>;

/** What the model is told about a function it may call: a tool, or a sub-agent called as one. */
export type ToolDescription<Input = unknown> = Pick<Tool<Input>, 'name' | 'description' | 'inputSchema'>;

/** Thrown by a tool for a failure the model should see and may correct (e.g. division by zero). */
export class ToolFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolFailure';
  }
}
