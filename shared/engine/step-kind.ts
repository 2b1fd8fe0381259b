import type { AgentLifecycle } from '../domain/agent-state.ts';
import type { ConversationCheckpoint } from '../domain/conversation-checkpoint.ts';
import type { Transition } from '../domain/decide-next-steps.ts';
import type { AgentlineError } from '../domain/errors.ts';
import type { Run, RunError } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { SessionEntry } from '../domain/session-entry.ts';
import type { Step, StepKind } from '../domain/step.ts';
import type { MemoryRecord, RunTransaction } from '../ports/run-store.ts';
import type { TransientError } from '../domain/errors.ts';

/**
 * What a step kind plugs into the step executor (docs/architecture.md, "The step executor"): its
 * effect, if it has one, and its decision. Everything else — decoding, the claim and lease,
 * attempt ownership, the terminal-run rule, deadlines, the commit with its outbox, publishing,
 * delayed re-checks and the parallel join — is the executor's.
 */
export interface StepKindDefinition<Value> {
  readonly kind: StepKind;
  /**
   * The effect outside any transaction (a model request, a tool call). Absent for a pure
   * decision (plan, memory): its commit transaction is its claim, so it needs no lease.
   */
  readonly effect?: StepEffect<Value>;
  /**
   * The decision committed with the step, run inside the commit transaction after the executor's
   * checks: it may read through `context.tx` and must not write (the executor writes what it
   * returns). `value` is the effect's (undefined for a pure decision).
   */
  decide(context: DecisionContext<Value>): Promise<Decision>;
  /** Set for kinds whose steps are fanned out in groups and joined when all finished (parallel tool calls). */
  readonly fanIn?: FanIn;
}

/** A step kind of any effect value, as the executor holds them. */
export type AnyStepKind = StepKindDefinition<never>;

/** Registers a kind with the executor (its value type is the kind's own business). */
export function anyStepKind<Value>(kind: StepKindDefinition<Value>): AnyStepKind {
  return kind as unknown as AnyStepKind;
}

export interface StepEffect<Value> {
  /** How long a claimed attempt excludes other deliveries. */
  readonly leaseMs: number;
  /** Transient failures in a row after which `failed` decides instead of another retry. */
  readonly maxFailedAttempts: number;
  /**
   * A lower limit for some transient errors (a model that did not answer within the request
   * timeout: each such attempt costs a whole timeout, so few of them fit in a caller's wait).
   */
  readonly attemptLimitFor?: (error: TransientError) => number;
  /**
   * The claim's own changes, written in the claim transaction before the effect: reserve budget
   * (a model request), write an intent record (a non-repeatable tool). `endRun` refuses the
   * attempt and ends the run instead (the LLM-call budget is spent).
   */
  claim(run: Run, step: Step, now: number): { run?: Run; step: Step } | { endRun: RunError };
  /** Performs the effect once. Throws TransientError for failures worth retrying. */
  perform(context: EffectContext): Promise<EffectOutcome<Value>>;
  /**
   * The value to commit when the effect failed for good: a permanent error, or transient ones
   * that used up `maxFailedAttempts` (`exhausted`). The decision then says what it means (a tool
   * error the model sees, or a failed run).
   */
  failed(failure: EffectFailure): Value;
  /** What the step document keeps of a value, also when its run ended before the commit. */
  record(value: Value): Record<string, unknown>;
  /**
   * For a step of a run that has ended: true when an earlier attempt may have started an effect
   * that must be settled rather than abandoned (a non-repeatable tool's intent). The executor then
   * runs `perform` with `settleOnly`, and records the result on the step only.
   */
  needsSettling?(step: Step): boolean;
}

export interface EffectContext {
  run: Run;
  /** The step as claimed (RUNNING, this attempt's lease). */
  step: Step;
  /** An earlier attempt committed an intent and may have acted: reconcile before acting. */
  priorIntent: boolean;
  /** The run has ended: settle what an earlier attempt may have done, start nothing new. */
  settleOnly: boolean;
}

export type EffectOutcome<Value> =
  | { kind: 'done'; value: Value }
  /** Not finished: hand the step back until `retryTime` (a remote task still running). Not a failure. */
  | { kind: 'wait'; retryTime: number; reason: RunError; remoteTask?: Step['remoteTask']; quotaDeferred?: boolean };

export interface EffectFailure {
  /** The attempt's step. */
  step: Step;
  error: AgentlineError;
  /** Attempts that failed in a row, this one included. */
  attempts: number;
  /** True when transient failures (or attempts that died) used up the attempts; false for a permanent error. */
  exhausted: boolean;
  /** True when the attempt only settled what an earlier one may have done (the run had ended). */
  settleOnly: boolean;
}

/** What a decision may look at: the run and step as read in the commit transaction. */
export interface DecisionContext<Value> {
  /** Reads only; the executor writes the decision. */
  tx: RunTransaction;
  run: Run;
  step: Step;
  value: Value;
  now: number;
  /** The registered agent's lifecycle, read in this transaction when first asked; undefined for inline agents and deleted ones. */
  lifecycle(): Promise<AgentLifecycle | undefined>;
}

/** A decision: how the step ends and what its commit writes besides the step. */
export interface Decision {
  state: 'SUCCEEDED' | 'FAILED';
  lastError?: RunError;
  /** Kept on the step for a pure decision (an effect's record comes from `StepEffect.record`). */
  result?: Record<string, unknown>;
  /** The run's next checkpoint, new steps and outbox; absent when the commit leaves the run as it is. */
  transition?: Transition;
  events?: RunEvent[];
  conversation?: ConversationCheckpoint;
  sessionEntry?: SessionEntry;
  memory?: MemoryRecord;
}

/**
 * Fan-out and join: the steps of a group each commit only their own document (no hot run
 * document), and exactly one commit joins the group once all have finished.
 */
export interface FanIn {
  /** Every step id of `step`'s group, in order, itself included. */
  groupOf(step: Step): string[];
  /** Names the group's create-once join record (`runs/{runId}/joins/{key}`). */
  groupKey(step: Step): number;
  /** The run's change when every step of the group has finished: run inside the joining transaction, reads only. */
  join(context: JoinContext): Promise<Pick<Decision, 'transition' | 'events' | 'conversation'>>;
}

export interface JoinContext {
  tx: RunTransaction;
  run: Run;
  /** The group's steps, all finished, in group order. */
  steps: Step[];
  now: number;
  lifecycle(): Promise<AgentLifecycle | undefined>;
}
