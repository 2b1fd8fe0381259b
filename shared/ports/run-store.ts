import type { AgentLifecycle } from '../domain/agent-state.ts';
import type { Content } from '../domain/content.ts';
import type { ConversationCheckpoint } from '../domain/conversation-checkpoint.ts';
import type { OutboxEntry } from '../domain/outbox.ts';
import type { Rejection } from '../domain/rejection.ts';
import type { SessionWindow } from '../domain/session-history.ts';
import type { Run } from '../domain/run.ts';
import type { RunClaim } from '../domain/runs/run-claim.ts';
import type { RunListQuery, RunSortKey } from '../domain/runs/run-list-query.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { RunStreamRecord } from '../domain/run-stream.ts';
import type { SessionEntry } from '../domain/session-entry.ts';
import type { OutboxMessage, Step } from '../domain/step.ts';

/** The create-once record that says which tool step commits the join of a turn's tool calls. */
export interface JoinClaim {
  runId: string;
  turn: number;
  claimedBy: string;
  /** Set by the transition that the join committed; a repeat re-publishes it. */
  outbox?: OutboxMessage[];
  committed: boolean;
  /** When the record was created (absent on records written before retention existed). */
  createTime?: number;
}

/**
 * One serializable transaction over a run's documents. Like Firestore, every read must happen
 * before the first write (reading after writing throws), and writes become visible together at
 * commit or not at all.
 */
export interface RunTransaction {
  /** Undefined when the run does not exist. */
  getRun(runId: string): Promise<Run | undefined>;
  /** Undefined when the step does not exist. */
  getStep(runId: string, stepId: string): Promise<Step | undefined>;
  /** Undefined when no tool step has claimed the join of that turn. */
  getJoin(runId: string, turn: number): Promise<JoinClaim | undefined>;
  /** The run's latest conversation checkpoint; undefined when none was written. */
  getConversation(runId: string): Promise<ConversationCheckpoint | undefined>;
  /**
   * The lifecycle state and creator of a registered agent (by resource name), read as part of
   * the transaction — one document read — so a concurrent lifecycle change serializes with this
   * commit. Undefined when no agent has that name.
   */
  getAgentLifecycle(agentName: string): Promise<AgentLifecycle | undefined>;
  /** Fails the transaction with `AlreadyExistsError` when the run exists. */
  createRun(run: Run): void;
  /** Replaces the run document. */
  putRun(run: Run): void;
  /** Fails the transaction with `AlreadyExistsError` when the step exists. */
  createStep(step: Step): void;
  /** Replaces the step document. */
  putStep(step: Step): void;
  /** Replaces the join record. */
  putJoin(join: JoinClaim): void;
  /** Writes events at their `seq`; a seq is written once per transition, so a repeat overwrites identically. */
  putEvents(runId: string, events: RunEvent[]): void;
  /**
   * Writes records of the run's event stream at their `seq`. The caller allocated them from the
   * run's `streamCount`, read in this transaction, and writes the run with the count moved past them.
   */
  putStreamRecords(runId: string, records: RunStreamRecord[]): void;
  /** Replaces the run's one conversation checkpoint (the latest is the only one kept). */
  putConversation(checkpoint: ConversationCheckpoint): void;
  /** Stores an outbox entry, to be deleted once published (`OutboxStore`). */
  putOutbox(entry: OutboxEntry): void;
  /** Writes a finished run's contents to its session; the id is the run's, so a repeat rewrites the same. */
  putSessionEntry(entry: SessionEntry): void;
  /** Writes a long-term memory record; idempotent by (userId, memoryId). */
  putMemory(memory: MemoryRecord): void;
}

/** A stored record of a message that could not be turned into a run (e.g. malformed JSON). */
export type { Rejection };

/**
 * Durable run state: runs, their steps and events, joins, sessions, long-term memories and
 * rejections. Implementations copy values across the boundary (callers may mutate what they get).
 */
export interface RunStore {
  /**
   * Runs `work` in one transaction and returns its result. `work` may run several times on
   * contention, so it must have no effects other than through `tx`.
   */
  transact<T>(work: (tx: RunTransaction) => Promise<T>): Promise<T>;
  /** Undefined when the run does not exist. */
  getRun(runId: string): Promise<Run | undefined>;
  /** The steps for the given ids, in the same order; undefined where a step does not exist. */
  getSteps(runId: string, stepIds: readonly string[]): Promise<(Step | undefined)[]>;
  /**
   * Runs of the registered agent `agentName` in state WAITING (any reason), oldest first; empty
   * when there are none. Strongly consistent: a run parked by a committed transaction is listed.
   */
  listWaitingRuns(agentName: string): Promise<Run[]>;
  /**
   * One page of runs matching `query`, newest first (createTime, then run id, descending), after
   * `query.after`; `next` is absent on the last page. One indexed query reading at most
   * `pageSize + 1` runs (composite indexes in infra/firestore.indexes.json).
   */
  listRunsPage(query: RunListQuery): Promise<{ runs: Run[]; next?: RunSortKey }>;
  /** All steps of a run ordered by creation time; empty when the run has none. */
  listSteps(runId: string): Promise<Step[]>;
  /** The run's conversation ordered by seq; empty when there is none. Reads one document per event. */
  listEvents(runId: string): Promise<RunEvent[]>;
  /**
   * At most `limit` records of the run's event stream with `seq` above `afterSeq`, in seq order
   * (one query on `seq`); empty when there are none (or no such run).
   */
  listStream(runId: string, afterSeq: number, limit: number): Promise<RunStreamRecord[]>;
  /**
   * The run's latest conversation checkpoint, read as one document; undefined when none was
   * written (runs started before checkpoints existed have none). The caller checks its
   * `eventCount` against the run's.
   */
  getConversation(runId: string): Promise<ConversationCheckpoint | undefined>;
  /**
   * Creates the join record for a turn if absent and returns the stored record: the caller
   * owns the join only when `claimedBy` is its own step id. Idempotent.
   */
  claimJoin(runId: string, turn: number, claimedBy: string, now: number): Promise<JoinClaim>;
  /**
   * Writes a run's owner claim unless one exists (create-once) and returns the stored claim: a
   * repeated `runs.create` answers the first one's (docs/architecture.md, "Runs API").
   */
  claimRunOwner(claim: RunClaim): Promise<RunClaim>;
  /** Undefined when no claim was written for the run (it was not created through the runs API, or expired). */
  getRunClaim(runId: string): Promise<RunClaim | undefined>;
  /**
   * The history a new run of the user's session starts from (`sessionHistory`): reads at most
   * `window.maxRuns` of its latest entries, never the whole session. Empty when the user has no
   * session of that id — another user's session of the same id is a different session.
   */
  listSessionHistory(userId: string, sessionId: string, window: SessionWindow): Promise<Content[]>;
  /** Lists a user's long-term memories, newest first; empty when none. */
  listMemories(userId: string): Promise<MemoryRecord[]>;
  /** Stores a rejection once; a repeat with the same id keeps the first. */
  recordRejection(rejection: Rejection): Promise<void>;
  /** Undefined when no rejection has that id. */
  getRejection(id: string): Promise<Rejection | undefined>;
  /**
   * Calls `listener` with the run now (if it exists) and after every change to it or its steps
   * until the returned function is called.
   */
  watchRun(runId: string, listener: (run: Run | undefined, steps: Step[]) => void): () => void;
  /**
   * Calls `listener` with the run now (undefined while it does not exist) and after every change
   * to the run document until the returned function is called: what `runs.wait` and
   * `runs.events` need, without the reads of every step that `watchRun` costs (a step change
   * may call it too, with the run unchanged).
   */
  watchRunDocument(runId: string, listener: (run: Run | undefined) => void): () => void;
  /**
   * Steps of any run whose `dueTime` is at or before `before`, earliest first, at most `limit`:
   * an indexed query that reads only what is due (the sweeper's). Empty when none.
   */
  listDueSteps(before: number, limit: number): Promise<Step[]>;
  /** Runs not yet ended whose deadline is at or before `now`, earliest first, at most `limit`. */
  listRunsPastDeadline(now: number, limit: number): Promise<Run[]>;
  /**
   * Deletes at most `limit` run documents (of every kind this store writes) whose expiry time is
   * at or before `now`; returns how many. The local stand-in for Firestore's TTL policies, which
   * the emulator does not have; production leaves this to TTL.
   */
  deleteExpired(now: number, limit: number): Promise<number>;
}

export interface MemoryRecord {
  schemaVersion: 1;
  userId: string;
  memoryId: string;
  runId: string;
  sessionId?: string;
  agentName?: string;
  input: string;
  output: string;
  createTime: number;
}

/** One run's contribution to its user's session (`users/{userId}/sessions/{sessionId}/entries/{runId}`). */
export type { SessionEntry };

/** Thrown inside a transaction when a create-once document already exists. */
export class AlreadyExistsError extends Error {
  constructor(path: string) {
    super(`Document already exists: ${path}`);
    this.name = 'AlreadyExistsError';
  }
}
