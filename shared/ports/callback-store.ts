import type { CallbackState } from '../domain/callback-delivery.ts';
import type { Run } from '../domain/run.ts';

/**
 * One transaction over a run's callback delivery (`runs/{runId}/callback/state`). It reads the
 * run but never writes it: a callback cannot change its run. Reads come before writes.
 */
export interface CallbackTransaction {
  /** Undefined when the run does not exist. */
  getRun(runId: string): Promise<Run | undefined>;
  /** Undefined before the first delivery of the run's callback. */
  getCallback(runId: string): Promise<CallbackState | undefined>;
  /** Replaces the delivery document, stamped to expire with `run` (the run it belongs to). */
  putCallback(state: CallbackState, run: Run): void;
}

/**
 * Result callback deliveries (docs/architecture.md, "Result callbacks"), in the same database as
 * the runs. Implementations copy values across the boundary.
 */
export interface CallbackStore {
  /** Runs `work` in one transaction; it may run several times on contention, so it has no other effects. */
  transact<T>(work: (tx: CallbackTransaction) => Promise<T>): Promise<T>;
  /** The run's delivery; undefined when none started (or the run named no callback). */
  getCallback(runId: string): Promise<CallbackState | undefined>;
  /**
   * Deliveries whose `dueTime` is at or before `before`, earliest first, at most `limit`: an
   * indexed collection-group query reading only what is due (the sweeper's). Empty when none.
   */
  listDueCallbacks(before: number, limit: number): Promise<CallbackState[]>;
}
