import type { Content } from '../../domain/content.ts';
import { conversationCheckpointSchema, type ConversationCheckpoint } from '../../domain/conversation-checkpoint.ts';
import { rejectionSchema, type Rejection } from '../../domain/rejection.ts';
import { expireTimeField, recordExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import { isTerminal, runSchema, type Run } from '../../domain/run.ts';
import { runEventSchema, type RunEvent } from '../../domain/run-event.ts';
import { runStreamRecordSchema, type RunStreamRecord } from '../../domain/run-stream.ts';
import { runClaimSchema, type RunClaim } from '../../domain/runs/run-claim.ts';
import { selectRunsPage, type RunListQuery, type RunSortKey } from '../../domain/runs/run-list-query.ts';
import { memoryRecordSchema, sessionEntrySchema } from '../../domain/session-entry.ts';
import { sessionHistory, type SessionWindow } from '../../domain/session-history.ts';
import { stepSchema, type Step } from '../../domain/step.ts';
import type { JoinClaim, MemoryRecord, RunStore, RunTransaction } from '../../ports/run-store.ts';
import { documentPaths as paths, expiringCollectionGroups } from '../document-paths.ts';
import { InMemoryDocuments } from './in-memory-documents.ts';
import { InMemoryRunTransaction, parseOptional } from './in-memory-run-transaction.ts';

/** Retention for tests that do not care: long enough that nothing expires while they run. */
function withoutExpiry<T extends { expireTime?: number }>(record: T): Omit<T, 'expireTime'> {
  const { expireTime: _expiry, ...rest } = record;
  return rest;
}

export const testRetention: RetentionPolicy = { retentionMs: 30 * 86_400_000, maxRunMs: 7 * 86_400_000 };

/**
 * RunStore over in-memory documents: the same transaction rules as Firestore (reads first,
 * optimistic retries, create-once), documents validated on the way in and out and stamped with
 * their expiry time as the Firestore store does.
 */
export class InMemoryRunStore implements RunStore {
  readonly #documents: InMemoryDocuments;
  readonly #retention: RetentionPolicy;
  readonly #watchers = new Map<string, Set<(run: Run | undefined, steps: Step[]) => void>>();

  /** `documents` may be shared with an InMemoryAgentCatalog, as Firestore is in production. */
  constructor(documents: InMemoryDocuments = new InMemoryDocuments(), retention: RetentionPolicy = testRetention) {
    this.#documents = documents;
    this.#retention = retention;
  }

  async transact<T>(work: (tx: RunTransaction) => Promise<T>): Promise<T> {
    const { result, writtenPaths } = await this.#documents.runTransaction((state) => work(new InMemoryRunTransaction(state, this.#retention)));
    this.#notify(writtenPaths);
    return result;
  }

  async getRun(runId: string): Promise<Run | undefined> {
    return parseOptional(runSchema, this.#documents.get(paths.run(runId)));
  }

  async listWaitingRuns(agentName: string): Promise<Run[]> {
    return this.#runs()
      .filter((run) => run.state === 'WAITING' && run.agent?.name === agentName)
      .sort((a, b) => a.createTime - b.createTime || a.runId.localeCompare(b.runId));
  }

  async listRunsPage(query: RunListQuery): Promise<{ runs: Run[]; next?: RunSortKey }> {
    return selectRunsPage(this.#runs(), query);
  }

  async getSteps(runId: string, stepIds: readonly string[]): Promise<(Step | undefined)[]> {
    return stepIds.map((stepId) => parseOptional(stepSchema, this.#documents.get(paths.step(runId, stepId))));
  }

  async listSteps(runId: string): Promise<Step[]> {
    return this.#documents
      .list(`${paths.steps(runId)}/`)
      .map((value) => stepSchema.parse(value))
      .sort((a, b) => a.createTime - b.createTime || a.stepId.localeCompare(b.stepId));
  }

  async listEvents(runId: string): Promise<RunEvent[]> {
    return this.#documents.list(`${paths.events(runId)}/`).map((value) => runEventSchema.parse(value));
  }

  async listStream(runId: string, afterSeq: number, limit: number): Promise<RunStreamRecord[]> {
    return this.#documents
      .list(`${paths.streamRecords(runId)}/`)
      .map((value) => runStreamRecordSchema.parse(value))
      .filter((record) => record.seq > afterSeq)
      .slice(0, limit);
  }

  async getConversation(runId: string): Promise<ConversationCheckpoint | undefined> {
    return parseOptional(conversationCheckpointSchema, this.#documents.get(paths.conversation(runId)));
  }

  async claimJoin(runId: string, turn: number, claimedBy: string, now: number): Promise<JoinClaim> {
    const path = paths.join(runId, turn);
    const existing = this.#documents.get(path) as (JoinClaim & { expireTime?: number }) | undefined;
    if (existing) return withoutExpiry(existing);
    const claim: JoinClaim = { runId, turn, claimedBy, committed: false, createTime: now };
    this.#documents.write(path, { ...claim, expireTime: recordExpireTime(now, this.#retention) }, true);
    return claim;
  }

  async claimRunOwner(claim: RunClaim): Promise<RunClaim> {
    // Read and write with no await between them: create-once, as Firestore's create is.
    const existing = this.#documents.get(paths.runClaim(claim.runId));
    if (existing) return runClaimSchema.parse(existing);
    this.#documents.write(paths.runClaim(claim.runId), { ...runClaimSchema.parse(claim), expireTime: recordExpireTime(claim.createTime, this.#retention) }, true);
    return claim;
  }

  async getRunClaim(runId: string): Promise<RunClaim | undefined> {
    const stored = this.#documents.get(paths.runClaim(runId));
    return stored ? runClaimSchema.parse(stored) : undefined;
  }

  async listSessionHistory(userId: string, sessionId: string, window: SessionWindow): Promise<Content[]> {
    const latestFirst = this.#documents
      .list(`${paths.sessionEntries(userId, sessionId)}/`)
      .map((value) => sessionEntrySchema.parse(value))
      .sort((a, b) => b.runCreateTime - a.runCreateTime || b.runId.localeCompare(a.runId))
      .slice(0, window.maxRuns);
    return sessionHistory(latestFirst, window);
  }

  async listMemories(userId: string): Promise<MemoryRecord[]> {
    return this.#documents
      .list(`${paths.memories(userId)}/`)
      .map((value) => memoryRecordSchema.parse(value) as MemoryRecord)
      .sort((a, b) => b.createTime - a.createTime);
  }

  async recordRejection(rejection: Rejection): Promise<void> {
    const path = paths.rejection(rejection.id);
    if (this.#documents.get(path)) return;
    this.#documents.write(path, { ...rejectionSchema.parse(rejection), expireTime: recordExpireTime(rejection.createTime, this.#retention) });
  }

  async getRejection(id: string): Promise<Rejection | undefined> {
    return parseOptional(rejectionSchema, this.#documents.get(paths.rejection(id)));
  }

  watchRun(runId: string, listener: (run: Run | undefined, steps: Step[]) => void): () => void {
    const listeners = this.#watchers.get(runId) ?? new Set();
    listeners.add(listener);
    this.#watchers.set(runId, listeners);
    void this.#emit(runId, listener);
    return () => listeners.delete(listener);
  }

  watchRunDocument(runId: string, listener: (run: Run | undefined) => void): () => void {
    return this.watchRun(runId, (run) => listener(run));
  }

  async listDueSteps(before: number, limit: number): Promise<Step[]> {
    return this.#documents
      .listGroup('steps')
      .map(({ value }) => stepSchema.parse(value))
      .filter((step) => step.dueTime !== undefined && step.dueTime <= before)
      .sort((a, b) => a.dueTime! - b.dueTime! || a.runId.localeCompare(b.runId) || a.stepId.localeCompare(b.stepId))
      .slice(0, limit);
  }

  async listRunsPastDeadline(now: number, limit: number): Promise<Run[]> {
    return this.#runs()
      .filter((run) => !isTerminal(run.state) && run.deadlineTime !== undefined && run.deadlineTime <= now)
      .sort((a, b) => a.deadlineTime! - b.deadlineTime! || a.runId.localeCompare(b.runId))
      .slice(0, limit);
  }

  async deleteExpired(now: number, limit: number): Promise<number> {
    const expired = expiringCollectionGroups
      .flatMap((group) => this.#documents.listGroup(group))
      .filter(({ value }) => {
        const expireTime = (value as Record<string, unknown>)[expireTimeField];
        return typeof expireTime === 'number' && expireTime <= now;
      })
      .slice(0, limit);
    for (const { path } of expired) this.#documents.delete(path);
    return expired.length;
  }

  #runs(): Run[] {
    return this.#documents.listChildren(paths.runs).map((value) => runSchema.parse(value));
  }

  #notify(writtenPaths: string[]): void {
    const runIds = new Set(writtenPaths.flatMap((path) => (path.startsWith('runs/') ? [path.split('/')[1]!] : [])));
    for (const runId of runIds) for (const listener of this.#watchers.get(runId) ?? []) void this.#emit(runId, listener);
  }

  async #emit(runId: string, listener: (run: Run | undefined, steps: Step[]) => void): Promise<void> {
    listener(await this.getRun(runId), await this.listSteps(runId));
  }
}
