import type { Firestore, Transaction } from '@google-cloud/firestore';
import { conversationCheckpointSchema, type ConversationCheckpoint } from '../../domain/conversation-checkpoint.ts';
import { outboxEntrySchema, type OutboxEntry } from '../../domain/outbox.ts';
import { recordExpireTime, runExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import { runSchema, type Run } from '../../domain/run.ts';
import { runEventSchema, type RunEvent } from '../../domain/run-event.ts';
import { runStreamRecordSchema, type RunStreamRecord } from '../../domain/run-stream.ts';
import { memoryRecordSchema, sessionEntrySchema, type SessionEntry } from '../../domain/session-entry.ts';
import { stepSchema, type Step } from '../../domain/step.ts';
import type { JoinClaim, MemoryRecord, RunTransaction } from '../../ports/run-store.ts';
import { toAgentLifecycle } from '../catalog-agent-document.ts';
import { documentPaths as paths, encodeAgentName } from '../document-paths.ts';
import { codecs, fromFirestore, toFirestore, type FirestoreCodec } from './firestore-codec.ts';

interface Parser<T> {
  parse(value: unknown): T;
}

/** One RunTransaction on a Firestore transaction; every document validated in and out, run data stamped with its expiry. */
export class FirestoreRunTransaction implements RunTransaction {
  readonly #db: Firestore;
  readonly #transaction: Transaction;
  readonly #retention: RetentionPolicy;

  constructor(db: Firestore, transaction: Transaction, retention: RetentionPolicy) {
    this.#db = db;
    this.#transaction = transaction;
    this.#retention = retention;
  }

  async getRun(runId: string) {
    const run = readDocument(await this.#transaction.get(this.#db.doc(paths.run(runId))), runSchema, codecs.run);
    if (!run || run.streamCount !== undefined) return run;
    // Written by a version that did not know the stream (mid-rollout, or rolled back): number on
    // from the stream's last record, so none is overwritten (docs/architecture.md, "Run events").
    const last = await this.#transaction.get(this.#db.collection(paths.streamRecords(runId)).orderBy('seq', 'desc').limit(1));
    const seq = last.docs[0] ? Number(last.docs[0].get('seq')) : undefined;
    return seq === undefined ? run : { ...run, streamCount: seq + 1 };
  }
  async getStep(runId: string, stepId: string) {
    return readDocument(await this.#transaction.get(this.#db.doc(paths.step(runId, stepId))), stepSchema, codecs.step);
  }
  async getJoin(runId: string, turn: number) {
    const snapshot = await this.#transaction.get(this.#db.doc(paths.join(runId, turn)));
    if (!snapshot.exists) return undefined;
    const { expireTime: _expiry, ...join } = fromFirestore(snapshot.data()!, codecs.join);
    return join as unknown as JoinClaim;
  }
  async getConversation(runId: string) {
    const snapshot = await this.#transaction.get(this.#db.doc(paths.conversation(runId)));
    return readDocument(snapshot, conversationCheckpointSchema, codecs.conversation);
  }
  async getAgentLifecycle(agentName: string) {
    const snapshot = await this.#transaction.get(this.#db.doc(paths.agent(encodeAgentName(agentName))));
    return snapshot.exists ? toAgentLifecycle(snapshot.data()) : undefined;
  }
  createRun(run: Run) {
    this.#transaction.create(this.#db.doc(paths.run(run.runId)), this.#runData(run));
  }
  putRun(run: Run) {
    this.#transaction.set(this.#db.doc(paths.run(run.runId)), this.#runData(run));
  }
  createStep(step: Step) {
    this.#transaction.create(this.#db.doc(paths.step(step.runId, step.stepId)), this.#data(stepSchema.parse(step), codecs.step));
  }
  putStep(step: Step) {
    this.#transaction.set(this.#db.doc(paths.step(step.runId, step.stepId)), this.#data(stepSchema.parse(step), codecs.step));
  }
  putJoin(join: JoinClaim) {
    const expiry = join.createTime === undefined ? {} : { expireTime: recordExpireTime(join.createTime, this.#retention) };
    this.#transaction.set(this.#db.doc(paths.join(join.runId, join.turn)), toFirestore({ ...join, ...expiry }, codecs.join));
  }
  putEvents(runId: string, events: RunEvent[]) {
    for (const event of events) {
      this.#transaction.set(this.#db.doc(paths.event(runId, event.seq)), this.#data(runEventSchema.parse(event), codecs.event));
    }
  }
  putStreamRecords(runId: string, records: RunStreamRecord[]) {
    for (const record of records) {
      this.#transaction.set(this.#db.doc(paths.streamRecord(runId, record.seq)), this.#data(runStreamRecordSchema.parse(record), codecs.stream));
    }
  }
  putConversation(checkpoint: ConversationCheckpoint) {
    const ref = this.#db.doc(paths.conversation(checkpoint.runId));
    this.#transaction.set(ref, this.#data(conversationCheckpointSchema.parse(checkpoint), codecs.conversation));
  }
  putOutbox(entry: OutboxEntry) {
    this.#transaction.set(this.#db.doc(paths.outbox(entry.id)), this.#data(outboxEntrySchema.parse(entry), codecs.outbox));
  }
  putSessionEntry(entry: SessionEntry) {
    const ref = this.#db.doc(paths.sessionEntry(entry.userId, entry.sessionId, entry.runId));
    this.#transaction.set(ref, toFirestore(sessionEntrySchema.parse(entry), codecs.sessionEntry));
  }
  putMemory(memory: MemoryRecord) {
    this.#transaction.set(this.#db.doc(paths.memory(memory.userId, memory.memoryId)), toFirestore(memoryRecordSchema.parse(memory), codecs.plain));
  }

  #runData(run: Run) {
    const parsed = runSchema.parse(run);
    return toFirestore({ ...parsed, expireTime: runExpireTime(parsed, this.#retention) }, codecs.run);
  }

  #data(record: { createTime: number }, codec: FirestoreCodec) {
    return toFirestore({ ...record, expireTime: recordExpireTime(record.createTime, this.#retention) }, codec);
  }
}

/** The document parsed, or undefined when it does not exist. */
export function readDocument<T>(
  snapshot: { exists: boolean; data(): Record<string, unknown> | undefined },
  schema: Parser<T>,
  codec: FirestoreCodec,
): T | undefined {
  return snapshot.exists ? schema.parse(fromFirestore(snapshot.data() ?? {}, codec)) : undefined;
}
