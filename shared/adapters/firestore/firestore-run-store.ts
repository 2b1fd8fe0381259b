import { FieldPath, Timestamp, type Firestore, type Query } from '@google-cloud/firestore';
import type { Content } from '../../domain/content.ts';
import { conversationCheckpointSchema, type ConversationCheckpoint } from '../../domain/conversation-checkpoint.ts';
import { rejectionSchema, type Rejection } from '../../domain/rejection.ts';
import { recordExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import { runSchema, type Run } from '../../domain/run.ts';
import { runEventSchema, type RunEvent } from '../../domain/run-event.ts';
import { runStreamRecordSchema, type RunStreamRecord } from '../../domain/run-stream.ts';
import { runClaimSchema, type RunClaim } from '../../domain/runs/run-claim.ts';
import { runSortKeyOf, type RunListQuery, type RunSortKey } from '../../domain/runs/run-list-query.ts';
import { memoryRecordSchema, sessionEntrySchema } from '../../domain/session-entry.ts';
import { sessionHistory, type SessionWindow } from '../../domain/session-history.ts';
import { stepSchema, type Step } from '../../domain/step.ts';
import type { JoinClaim, MemoryRecord, RunStore, RunTransaction } from '../../ports/run-store.ts';
import { AlreadyExistsError } from '../../ports/run-store.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { codecs, fromFirestore, toFirestore } from './firestore-codec.ts';
import { fromFirestoreError } from './firestore-errors.ts';
import { deleteExpiredDocuments } from './delete-expired-documents.ts';
import { FirestoreRunTransaction, readDocument } from './firestore-run-transaction.ts';
import { watchFirestoreRun } from './watch-firestore-run.ts';

/** States of a run that has not ended (the sweeper's deadline query). */
const openRunStates = ['QUEUED', 'RUNNING', 'WAITING'];

/** RunStore on Firestore (or its emulator). Every document is validated on the way in and out. */
export class FirestoreRunStore implements RunStore {
  readonly #db: Firestore;
  readonly #retention: RetentionPolicy;

  constructor(db: Firestore, retention: RetentionPolicy) {
    this.#db = db;
    this.#retention = retention;
  }

  async transact<T>(work: (tx: RunTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.#db.runTransaction((transaction) => work(new FirestoreRunTransaction(this.#db, transaction, this.#retention)), {
        maxAttempts: 10,
      });
    } catch (error) {
      throw fromFirestoreError(error);
    }
  }

  async getRun(runId: string): Promise<Run | undefined> {
    return readDocument(await this.#db.doc(paths.run(runId)).get(), runSchema, codecs.run);
  }

  async listWaitingRuns(agentName: string): Promise<Run[]> {
    // Equality filters only, plus an order: served by the composite index in infra/.
    const snapshot = await this.#db
      .collection(paths.runs)
      .where('agent.name', '==', agentName)
      .where('state', '==', 'WAITING')
      .orderBy('createTime')
      .get();
    return snapshot.docs.map((doc) => runSchema.parse(fromFirestore(doc.data(), codecs.run)));
  }

  async listRunsPage(query: RunListQuery): Promise<{ runs: Run[]; next?: RunSortKey }> {
    // Equality filters, a createTime range and the order: served by the (field, createTime desc,
    // __name__ desc) indexes in infra/firestore.indexes.json, merged when several filters apply.
    let selected: Query = this.#db.collection(paths.runs);
    for (const [field, value] of [['userId', query.userId], ['agent.name', query.agentName], ['state', query.state], ['sessionId', query.sessionId]] as const) {
      if (value !== undefined) selected = selected.where(field, '==', value);
    }
    if (query.createdFrom !== undefined) selected = selected.where('createTime', '>=', Timestamp.fromMillis(query.createdFrom));
    if (query.createdBefore !== undefined) selected = selected.where('createTime', '<', Timestamp.fromMillis(query.createdBefore));
    selected = selected.orderBy('createTime', 'desc').orderBy(FieldPath.documentId(), 'desc');
    if (query.after) selected = selected.startAfter(Timestamp.fromMillis(query.after[0]), query.after[1]);
    const snapshot = await selected.limit(query.pageSize + 1).get();
    const runs = snapshot.docs.map((doc) => runSchema.parse(fromFirestore(doc.data(), codecs.run)));
    const page = runs.slice(0, query.pageSize);
    const last = page.at(-1);
    return runs.length > query.pageSize && last ? { runs: page, next: runSortKeyOf(last) } : { runs: page };
  }

  async getSteps(runId: string, stepIds: readonly string[]): Promise<(Step | undefined)[]> {
    if (stepIds.length === 0) return [];
    const snapshots = await this.#db.getAll(...stepIds.map((stepId) => this.#db.doc(paths.step(runId, stepId))));
    return snapshots.map((snapshot) => readDocument(snapshot, stepSchema, codecs.step));
  }

  async listSteps(runId: string): Promise<Step[]> {
    const snapshot = await this.#db.collection(paths.steps(runId)).orderBy('createTime').get();
    return snapshot.docs.map((doc) => stepSchema.parse(fromFirestore(doc.data(), codecs.step)));
  }

  async listEvents(runId: string): Promise<RunEvent[]> {
    const snapshot = await this.#db.collection(paths.events(runId)).orderBy('seq').get();
    return snapshot.docs.map((doc) => runEventSchema.parse(fromFirestore(doc.data(), codecs.event)));
  }

  async listStream(runId: string, afterSeq: number, limit: number): Promise<RunStreamRecord[]> {
    const snapshot = await this.#db.collection(paths.streamRecords(runId)).where('seq', '>', afterSeq).orderBy('seq').limit(limit).get();
    return snapshot.docs.map((doc) => runStreamRecordSchema.parse(fromFirestore(doc.data(), codecs.stream)));
  }

  async getConversation(runId: string): Promise<ConversationCheckpoint | undefined> {
    return readDocument(await this.#db.doc(paths.conversation(runId)).get(), conversationCheckpointSchema, codecs.conversation);
  }

  async claimJoin(runId: string, turn: number, claimedBy: string, now: number): Promise<JoinClaim> {
    const ref = this.#db.doc(paths.join(runId, turn));
    const claim: JoinClaim = { runId, turn, claimedBy, committed: false, createTime: now };
    try {
      await ref.create(toFirestore({ ...claim, expireTime: recordExpireTime(now, this.#retention) }, codecs.join));
      return claim;
    } catch (error) {
      if (!(fromFirestoreError(error) instanceof AlreadyExistsError)) throw fromFirestoreError(error);
      const { expireTime: _expiry, ...stored } = fromFirestore((await ref.get()).data() ?? {}, codecs.join);
      return stored as unknown as JoinClaim;
    }
  }

  async claimRunOwner(claim: RunClaim): Promise<RunClaim> {
    const ref = this.#db.doc(paths.runClaim(claim.runId));
    try {
      await ref.create(toFirestore({ ...runClaimSchema.parse(claim), expireTime: recordExpireTime(claim.createTime, this.#retention) }, codecs.plain));
      return claim;
    } catch (error) {
      if (!(fromFirestoreError(error) instanceof AlreadyExistsError)) throw fromFirestoreError(error);
      return (await this.getRunClaim(claim.runId)) ?? claim;
    }
  }

  async getRunClaim(runId: string): Promise<RunClaim | undefined> {
    const data = (await this.#db.doc(paths.runClaim(runId)).get()).data();
    return data ? runClaimSchema.parse(fromFirestore(data, codecs.plain)) : undefined;
  }

  async listSessionHistory(userId: string, sessionId: string, window: SessionWindow): Promise<Content[]> {
    const snapshot = await this.#db.collection(paths.sessionEntries(userId, sessionId)).orderBy('runCreateTime', 'desc').limit(window.maxRuns).get();
    const latestFirst = snapshot.docs.map((doc) => sessionEntrySchema.parse(fromFirestore(doc.data(), codecs.sessionEntry)));
    return sessionHistory(latestFirst, window);
  }

  async listMemories(userId: string): Promise<MemoryRecord[]> {
    const snapshot = await this.#db.collection(paths.memories(userId)).orderBy('createTime', 'desc').get();
    return snapshot.docs.map((doc) => memoryRecordSchema.parse(fromFirestore(doc.data(), codecs.plain)) as MemoryRecord);
  }

  async recordRejection(rejection: Rejection): Promise<void> {
    const data = { ...rejectionSchema.parse(rejection), expireTime: recordExpireTime(rejection.createTime, this.#retention) };
    try {
      await this.#db.doc(paths.rejection(rejection.id)).create(toFirestore(data, codecs.plain));
    } catch (error) {
      // Keep the first record of a message that was rejected again on redelivery.
      if (!(fromFirestoreError(error) instanceof AlreadyExistsError)) throw fromFirestoreError(error);
    }
  }

  async getRejection(id: string): Promise<Rejection | undefined> {
    return readDocument(await this.#db.doc(paths.rejection(id)).get(), rejectionSchema, codecs.plain);
  }

  watchRun(runId: string, listener: (run: Run | undefined, steps: Step[]) => void): () => void {
    return watchFirestoreRun(this.#db, runId, (runData, stepData) =>
      listener(
        runData ? runSchema.parse(fromFirestore(runData, codecs.run)) : undefined,
        stepData.map((data) => stepSchema.parse(fromFirestore(data, codecs.step))),
      ),
    );
  }

  watchRunDocument(runId: string, listener: (run: Run | undefined) => void): () => void {
    return this.#db.doc(paths.run(runId)).onSnapshot((snapshot) => {
      const data = snapshot.data();
      listener(data ? runSchema.parse(fromFirestore(data, codecs.run)) : undefined);
    });
  }

  async listDueSteps(before: number, limit: number): Promise<Step[]> {
    // A collection-group query on one field: served by the single-field index declared in infra/.
    const snapshot = await this.#db.collectionGroup('steps').where('dueTime', '<=', Timestamp.fromMillis(before)).orderBy('dueTime').limit(limit).get();
    return snapshot.docs.map((doc) => stepSchema.parse(fromFirestore(doc.data(), codecs.step)));
  }

  async listRunsPastDeadline(now: number, limit: number): Promise<Run[]> {
    // Served by the composite index (state, deadlineTime) in infra/.
    const snapshot = await this.#db
      .collection(paths.runs)
      .where('state', 'in', openRunStates)
      .where('deadlineTime', '<=', Timestamp.fromMillis(now))
      .orderBy('deadlineTime')
      .limit(limit)
      .get();
    return snapshot.docs.map((doc) => runSchema.parse(fromFirestore(doc.data(), codecs.run)));
  }

  deleteExpired(now: number, limit: number): Promise<number> {
    return deleteExpiredDocuments(this.#db, now, limit);
  }
}
