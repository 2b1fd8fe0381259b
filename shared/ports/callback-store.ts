import type { CallbackSubject } from '../domain/callback.ts';
import type { CallbackState, CallbackSubjectRecord } from '../domain/callback-delivery.ts';

/**
 * One transaction over a callback delivery (`runs/{runId}/callback/state` or
 * `batches/{batchId}/callback/state`). It reads the run or batch but never writes it: a callback
 * cannot change what it reports on. Reads come before writes.
 */
export interface CallbackTransaction {
  /** The run, or the batch with its lanes; undefined when it does not exist. */
  getSubject(subject: CallbackSubject): Promise<CallbackSubjectRecord | undefined>;
  /** Undefined before the first delivery of the callback. */
  getCallback(subject: CallbackSubject): Promise<CallbackState | undefined>;
  /** Replaces the delivery document, stamped to expire with `record` (what it reports on). */
  putCallback(state: CallbackState, record: CallbackSubjectRecord): void;
}

/**
 * Result callback deliveries (docs/architecture.md, "Result callbacks"), in the same database as
 * the runs and batches. Implementations copy values across the boundary.
 */
export interface CallbackStore {
  /** Runs `work` in one transaction; it may run several times on contention, so it has no other effects. */
  transact<T>(work: (tx: CallbackTransaction) => Promise<T>): Promise<T>;
  /** The delivery of a run's or batch's callback; undefined when none started (or it named no callback). */
  getCallback(subject: CallbackSubject): Promise<CallbackState | undefined>;
  /**
   * Deliveries whose `dueTime` is at or before `before`, earliest first, at most `limit`: an
   * indexed collection-group query reading only what is due (the sweeper's). Empty when none.
   */
  listDueCallbacks(before: number, limit: number): Promise<CallbackState[]>;
}
