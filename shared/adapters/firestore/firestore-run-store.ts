import type { DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import type { Content } from '../../domain/content.ts';
import { conversationCheckpointSchema, type ConversationCheckpoint } from '../../domain/conversation-checkpoint.ts';
import { rejectionSchema, type Rejection } from '../../domain/rejection.ts';
import { runSchema, type Run } from '../../domain/run.ts';
import { runEventSchema, type RunEvent } from '../../domain/run-event.ts';
import { memoryRecordSchema, sessionEntrySchema } from '../../domain/session-entry.ts';
import { stepSchema, type Step } from '../../domain/step.ts';
import type { JoinClaim, MemoryRecord, RunStore, RunTransaction, SessionAppend } from '../../ports/run-store.ts';
import { AlreadyExistsError } from '../../ports/run-store.ts';
import { toAgentLifecycle } from '../catalog-agent-document.ts';
import { documentPaths as paths, encodeAgentName } from '../document-paths.ts';
import { codecs, fromFirestore, toFirestore, type FirestoreCodec } from './firestore-codec.ts';
import { fromFirestoreError } from './firestore-errors.ts';
import { watchFirestoreRun } from './watch-firestore-run.ts';

interface Parser<T> {
  parse(value: unknown): T;
}

/** RunStore on Firestore (or its emulator). Every document is validated on the way in and out. */
export class FirestoreRunStore implements RunStore {
  readonly #db: Firestore;

  constructor(db: Firestore) {
    this.#db = db;
  }

  async transact<T>(work: (tx: RunTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.#db.runTransaction((transaction) => work(new FirestoreRunTransaction(this.#db, transaction)), {
        maxAttempts: 10,
      });
    } catch (error) {
      throw fromFirestoreError(error);
    }
  }

  async getRun(runId: string): Promise<Run | undefined> {
    return read(await this.#doc(paths.run(runId)).get(), runSchema, codecs.run);
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

  async getSteps(runId: string, stepIds: readonly string[]): Promise<(Step | undefined)[]> {
    if (stepIds.length === 0) return [];
    const snapshots = await this.#db.getAll(...stepIds.map((stepId) => this.#doc(paths.step(runId, stepId))));
    return snapshots.map((snapshot) => read(snapshot, stepSchema, codecs.step));
  }

  async listSteps(runId: string): Promise<Step[]> {
    const snapshot = await this.#db.collection(paths.steps(runId)).orderBy('createTime').get();
    return snapshot.docs.map((doc) => stepSchema.parse(fromFirestore(doc.data(), codecs.step)));
  }

  async listEvents(runId: string): Promise<RunEvent[]> {
    const snapshot = await this.#db.collection(paths.events(runId)).orderBy('seq').get();
    return snapshot.docs.map((doc) => runEventSchema.parse(fromFirestore(doc.data(), codecs.event)));
  }

  async getConversation(runId: string, eventCount: number): Promise<ConversationCheckpoint | undefined> {
    return read(await this.#doc(paths.conversation(runId, eventCount)).get(), conversationCheckpointSchema, codecs.conversation);
  }

  async claimJoin(runId: string, turn: number, claimedBy: string): Promise<JoinClaim> {
    const ref = this.#doc(paths.join(runId, turn));
    const claim: JoinClaim = { runId, turn, claimedBy, committed: false };
    try {
      await ref.create(toFirestore(claim, codecs.join));
      return claim;
    } catch (error) {
      if (!(fromFirestoreError(error) instanceof AlreadyExistsError)) throw fromFirestoreError(error);
      return fromFirestore((await ref.get()).data() ?? {}, codecs.join) as unknown as JoinClaim;
    }
  }

  async appendToSession(entry: SessionAppend): Promise<void> {
    const record = sessionEntrySchema.parse({
      schemaVersion: 1,
      sessionId: entry.sessionId,
      userId: entry.userId,
      runId: entry.runId,
      runCreateTime: entry.runCreateTime,
      contents: entry.contents,
      createTime: entry.now,
    });
    // Deterministic id per run: a repeat rewrites the same document with the same content.
    await this.#doc(paths.sessionEntry(entry.sessionId, entry.runId)).set(toFirestore(record, codecs.sessionEntry));
  }

  async listSessionContents(sessionId: string): Promise<Content[]> {
    const snapshot = await this.#db.collection(paths.sessionEntries(sessionId)).orderBy('runCreateTime').get();
    return snapshot.docs.flatMap(
      (doc) => sessionEntrySchema.parse(fromFirestore(doc.data(), codecs.sessionEntry)).contents,
    );
  }

  async putMemory(memory: MemoryRecord): Promise<void> {
    const record = memoryRecordSchema.parse(memory);
    await this.#doc(paths.memory(memory.userId, memory.memoryId)).set(toFirestore(record, codecs.plain));
  }

  async listMemories(userId: string): Promise<MemoryRecord[]> {
    const snapshot = await this.#db.collection(paths.memories(userId)).orderBy('createTime', 'desc').get();
    return snapshot.docs.map((doc) => memoryRecordSchema.parse(fromFirestore(doc.data(), codecs.plain)) as MemoryRecord);
  }

  async recordRejection(rejection: Rejection): Promise<void> {
    try {
      await this.#doc(paths.rejection(rejection.id)).create(toFirestore(rejectionSchema.parse(rejection), codecs.plain));
    } catch (error) {
      // Keep the first record of a message that was rejected again on redelivery.
      if (!(fromFirestoreError(error) instanceof AlreadyExistsError)) throw fromFirestoreError(error);
    }
  }

  async getRejection(id: string): Promise<Rejection | undefined> {
    return read(await this.#doc(paths.rejection(id)).get(), rejectionSchema, codecs.plain);
  }

  watchRun(runId: string, listener: (run: Run | undefined, steps: Step[]) => void): () => void {
    return watchFirestoreRun(this.#db, runId, (runData, stepData) =>
      listener(
        runData ? runSchema.parse(fromFirestore(runData, codecs.run)) : undefined,
        stepData.map((data) => stepSchema.parse(fromFirestore(data, codecs.step))),
      ),
    );
  }

  #doc(path: string): DocumentReference {
    return this.#db.doc(path);
  }
}

class FirestoreRunTransaction implements RunTransaction {
  readonly #db: Firestore;
  readonly #transaction: Transaction;

  constructor(db: Firestore, transaction: Transaction) {
    this.#db = db;
    this.#transaction = transaction;
  }

  async getRun(runId: string) {
    return read(await this.#transaction.get(this.#db.doc(paths.run(runId))), runSchema, codecs.run);
  }
  async getStep(runId: string, stepId: string) {
    return read(await this.#transaction.get(this.#db.doc(paths.step(runId, stepId))), stepSchema, codecs.step);
  }
  async getJoin(runId: string, turn: number) {
    const snapshot = await this.#transaction.get(this.#db.doc(paths.join(runId, turn)));
    return snapshot.exists ? (fromFirestore(snapshot.data()!, codecs.join) as unknown as JoinClaim) : undefined;
  }
  async getConversation(runId: string, eventCount: number) {
    const snapshot = await this.#transaction.get(this.#db.doc(paths.conversation(runId, eventCount)));
    return read(snapshot, conversationCheckpointSchema, codecs.conversation);
  }
  async getAgentLifecycle(agentName: string) {
    const snapshot = await this.#transaction.get(this.#db.doc(paths.agent(encodeAgentName(agentName))));
    return snapshot.exists ? toAgentLifecycle(snapshot.data()) : undefined;
  }
  createRun(run: Run) {
    this.#transaction.create(this.#db.doc(paths.run(run.runId)), toFirestore(runSchema.parse(run), codecs.run));
  }
  putRun(run: Run) {
    this.#transaction.set(this.#db.doc(paths.run(run.runId)), toFirestore(runSchema.parse(run), codecs.run));
  }
  createStep(step: Step) {
    const ref = this.#db.doc(paths.step(step.runId, step.stepId));
    this.#transaction.create(ref, toFirestore(stepSchema.parse(step), codecs.step));
  }
  putStep(step: Step) {
    const ref = this.#db.doc(paths.step(step.runId, step.stepId));
    this.#transaction.set(ref, toFirestore(stepSchema.parse(step), codecs.step));
  }
  putJoin(join: JoinClaim) {
    this.#transaction.set(this.#db.doc(paths.join(join.runId, join.turn)), toFirestore(join, codecs.join));
  }
  putEvents(runId: string, events: RunEvent[]) {
    for (const event of events) {
      const ref = this.#db.doc(paths.event(runId, event.seq));
      this.#transaction.set(ref, toFirestore(runEventSchema.parse(event), codecs.event));
    }
  }
  putConversation(checkpoint: ConversationCheckpoint) {
    const ref = this.#db.doc(paths.conversation(checkpoint.runId, checkpoint.eventCount));
    this.#transaction.set(ref, toFirestore(conversationCheckpointSchema.parse(checkpoint), codecs.conversation));
  }
}

function read<T>(
  snapshot: { exists: boolean; data(): Record<string, unknown> | undefined },
  schema: Parser<T>,
  codec: FirestoreCodec,
): T | undefined {
  return snapshot.exists ? schema.parse(fromFirestore(snapshot.data() ?? {}, codec)) : undefined;
}
