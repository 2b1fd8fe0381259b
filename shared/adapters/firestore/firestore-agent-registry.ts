import { FieldPath, FieldValue, Timestamp, type DocumentSnapshot, type Firestore, type Transaction } from '@google-cloud/firestore';
import { deliveryRecordSchema, type DeliveryRecord } from '../../domain/triggers/delivery-record.ts';
import { parseTriggerName } from '../../domain/triggers/trigger-name.ts';
import { triggerRecordSchema, type TriggerRecord } from '../../domain/triggers/trigger-record.ts';
import { deliveryCursor, deliveryPath, parseDeliveryCursor, triggerPath } from '../trigger-documents.ts';
import { fireRecordSchema, type FireRecord } from '../../domain/schedules/fire-record.ts';
import { scheduleNames } from '../../domain/schedules/schedule-name.ts';
import { scheduleRecordSchema, type ScheduleRecord } from '../../domain/schedules/schedule-record.ts';
import { firePath, firesPath, schedulePath } from '../schedule-documents.ts';
import { agentCreatorCountSchema } from '../../domain/agents/agent-creator-count.ts';
import { agentRecordSchema, type AgentRecord } from '../../domain/agents/agent-record.ts';
import { operationRecordSchema, type OperationRecord } from '../../domain/agents/operation.ts';
import { ResourceExistsError } from '../../domain/errors.ts';
import { outboxEntrySchema, type OutboxEntry } from '../../domain/outbox.ts';
import { recordExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import { sortKeyOf } from '../../domain/agents/list-request.ts';
import type { AgentPage, AgentPageQuery, AgentRegistry, AgentRegistryTransaction, AuthorizationGrant, Page, PageRequest } from '../../ports/agent-registry.ts';
import { agentPageQuery, toAgentDocument } from './firestore-agent-list-query.ts';
import { AlreadyExistsError } from '../../ports/run-store.ts';
import { documentPaths as paths, encodeAgentName } from '../document-paths.ts';
import { codecs, fromFirestore, toFirestore } from './firestore-codec.ts';
import { fromFirestoreError } from './firestore-errors.ts';

const agentPath = (name: string) => paths.agent(encodeAgentName(name));

function readAgent(snapshot: DocumentSnapshot): AgentRecord | undefined {
  return snapshot.exists ? agentRecordSchema.parse(fromFirestore(snapshot.data()!, codecs.agent)) : undefined;
}

function readOperation(snapshot: DocumentSnapshot): OperationRecord | undefined {
  return snapshot.exists ? operationRecordSchema.parse(fromFirestore(snapshot.data()!, codecs.operation)) : undefined;
}

function readTrigger(snapshot: DocumentSnapshot): TriggerRecord | undefined {
  return snapshot.exists ? triggerRecordSchema.parse(fromFirestore(snapshot.data()!, codecs.plain)) : undefined;
}

function readDelivery(snapshot: DocumentSnapshot): DeliveryRecord | undefined {
  if (!snapshot.exists) return undefined;
  const { expireTime: _expireTime, ...record } = fromFirestore(snapshot.data()!, codecs.plain);
  return deliveryRecordSchema.parse(record);
}

// A schedule's run config and batch items are arbitrary JSON (arrays in arrays): its fields are kept as JSON text.
const scheduleCodec = { jsonFields: ['fields'] };

function readSchedule(snapshot: DocumentSnapshot): ScheduleRecord | undefined {
  return snapshot.exists ? scheduleRecordSchema.parse(fromFirestore(snapshot.data()!, scheduleCodec)) : undefined;
}

function readFire(snapshot: DocumentSnapshot): FireRecord | undefined {
  return snapshot.exists ? fireRecordSchema.parse(fromFirestore(snapshot.data()!, codecs.plain)) : undefined;
}

/** A delivery record with its expiry, as the TTL policy on `deliveries` reads it. */
function deliveryDocument(record: DeliveryRecord, retention: RetentionPolicy) {
  return toFirestore({ ...deliveryRecordSchema.parse(record), expireTime: recordExpireTime(record.createTime, retention) }, codecs.plain);
}

/** AgentRegistry on Firestore (FirestoreAgentCatalog reads the same documents): `agents/`, `operations/`, `users/{u}/authorizations/`. */
export class FirestoreAgentRegistry implements AgentRegistry {
  readonly #db: Firestore;
  readonly #retention: RetentionPolicy;

  /** `retention` stamps the outbox entries its transactions write, as the run store does. */
  constructor(db: Firestore, retention: RetentionPolicy) {
    this.#db = db;
    this.#retention = retention;
  }

  async transact<T>(work: (tx: AgentRegistryTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.#db.runTransaction((transaction) => work(new FirestoreAgentRegistryTransaction(this.#db, transaction, this.#retention)), {
        maxAttempts: 10,
      });
    } catch (error) {
      const mapped = fromFirestoreError(error);
      if (mapped instanceof AlreadyExistsError) throw new ResourceExistsError('The agent already exists', { cause: error });
      throw mapped;
    }
  }

  async getAgentRecord(name: string): Promise<AgentRecord | undefined> {
    return readAgent(await this.#db.doc(agentPath(name)).get());
  }

  async listAgentsPage(query: AgentPageQuery): Promise<AgentPage> {
    const snapshot = await agentPageQuery(this.#db.collection(paths.agents()), query).get();
    const agents = snapshot.docs.map((doc) => readAgent(doc)!);
    const page = agents.slice(0, query.pageSize);
    const last = page.at(-1);
    return { agents: page, ...(agents.length > query.pageSize && last ? { next: sortKeyOf(last, query.order) } : {}), documentsRead: snapshot.size };
  }

  async getOperation(name: string): Promise<OperationRecord | undefined> {
    return readOperation(await this.#db.doc(paths.operation(name)).get());
  }

  async putGrant(grant: AuthorizationGrant): Promise<void> {
    await this.#db.doc(paths.authorizationGrant(grant.userId, grant.authorization)).set(toFirestore({ schemaVersion: 1, ...grant }, codecs.plain));
  }

  async deleteGrant(userId: string, authorization: string): Promise<void> {
    await this.#db.doc(paths.authorizationGrant(userId, authorization)).delete();
  }

  async listGrants(userId: string): Promise<AuthorizationGrant[]> {
    const snapshot = await this.#db.collection(paths.authorizationGrants(userId)).get();
    return snapshot.docs.map((doc) => toGrant(doc.data())).sort((a, b) => a.authorization.localeCompare(b.authorization));
  }

  async getTrigger(name: string): Promise<TriggerRecord | undefined> {
    return readTrigger(await this.#db.doc(triggerPath(name)).get());
  }

  async listTriggers(agent: string, page: PageRequest): Promise<Page<TriggerRecord>> {
    let query = this.#db.collection(paths.triggers(agent)).orderBy(FieldPath.documentId());
    if (page.after !== undefined) query = query.startAfter(page.after);
    const snapshot = await query.limit(page.pageSize + 1).get();
    const items = snapshot.docs.slice(0, page.pageSize).map((doc) => readTrigger(doc)!);
    const last = items.at(-1);
    return { items, ...(snapshot.size > page.pageSize && last ? { next: parseTriggerName(last.name).triggerId } : {}) };
  }

  /** One query on the single-field index of `createTime` (which orders ties by document id too). */
  async listDeliveries(trigger: string, page: PageRequest): Promise<Page<DeliveryRecord>> {
    const { agent, triggerId } = parseTriggerName(trigger);
    let query = this.#db.collection(paths.deliveries(agent, triggerId)).orderBy('createTime', 'desc').orderBy(FieldPath.documentId(), 'desc');
    const cursor = page.after === undefined ? undefined : parseDeliveryCursor(page.after);
    if (cursor) query = query.startAfter(Timestamp.fromMillis(cursor.createTime), cursor.id);
    const snapshot = await query.limit(page.pageSize + 1).get();
    const items = snapshot.docs.slice(0, page.pageSize).map((doc) => readDelivery(doc)!);
    const last = items.at(-1);
    return { items, ...(snapshot.size > page.pageSize && last ? { next: deliveryCursor(last) } : {}) };
  }

  async recordRefusedDelivery(record: DeliveryRecord): Promise<void> {
    await this.#db.doc(deliveryPath(record.trigger, record.id)).create(deliveryDocument(record, this.#retention));
  }

  async getSchedule(name: string): Promise<ScheduleRecord | undefined> {
    return readSchedule(await this.#db.doc(schedulePath(name)).get());
  }

  async listSchedules(agent: string, page: PageRequest): Promise<Page<ScheduleRecord>> {
    let query = this.#db.collection(paths.schedules(agent)).orderBy(FieldPath.documentId());
    if (page.after !== undefined) query = query.startAfter(page.after);
    const snapshot = await query.limit(page.pageSize + 1).get();
    const items = snapshot.docs.slice(0, page.pageSize).map((doc) => readSchedule(doc)!);
    const last = items.at(-1);
    return { items, ...(snapshot.size > page.pageSize && last ? { next: scheduleNames.parse(last.name).id } : {}) };
  }

  /** As deliveries: one query on the single-field index of `createTime`. */
  async listFires(schedule: string, page: PageRequest): Promise<Page<FireRecord>> {
    let query = this.#db.collection(firesPath(schedule)).orderBy('createTime', 'desc').orderBy(FieldPath.documentId(), 'desc');
    const cursor = page.after === undefined ? undefined : parseDeliveryCursor(page.after);
    if (cursor) query = query.startAfter(Timestamp.fromMillis(cursor.createTime), cursor.id);
    const snapshot = await query.limit(page.pageSize + 1).get();
    const items = snapshot.docs.slice(0, page.pageSize).map((doc) => readFire(doc)!);
    const last = items.at(-1);
    return { items, ...(snapshot.size > page.pageSize && last ? { next: deliveryCursor(last) } : {}) };
  }
}

function toGrant(data: FirebaseFirestore.DocumentData): AuthorizationGrant {
  const { userId, authorization, grantedBy, grantTime } = fromFirestore(data, codecs.plain) as unknown as AuthorizationGrant;
  return { userId, authorization, grantedBy, grantTime };
}

class FirestoreAgentRegistryTransaction implements AgentRegistryTransaction {
  readonly #db: Firestore;
  readonly #transaction: Transaction;
  readonly #retention: RetentionPolicy;

  constructor(db: Firestore, transaction: Transaction, retention: RetentionPolicy) {
    this.#db = db;
    this.#transaction = transaction;
    this.#retention = retention;
  }

  async getAgent(name: string): Promise<AgentRecord | undefined> {
    return readAgent(await this.#transaction.get(this.#db.doc(agentPath(name))));
  }

  async getOperation(name: string): Promise<OperationRecord | undefined> {
    return readOperation(await this.#transaction.get(this.#db.doc(paths.operation(name))));
  }

  async countAgentsCreatedBy(userId: string): Promise<number> {
    const snapshot = await this.#transaction.get(this.#db.doc(paths.agentCreator(userId)));
    return snapshot.exists ? agentCreatorCountSchema.parse(snapshot.data()).agentCount : 0;
  }

  createAgent(record: AgentRecord): void {
    this.#transaction.create(this.#db.doc(agentPath(record.name)), toAgentDocument(record));
    this.#countAgentOf(record.creator, 1);
  }

  putAgent(record: AgentRecord): void {
    this.#transaction.set(this.#db.doc(agentPath(record.name)), toAgentDocument(record));
  }

  deleteAgent(record: AgentRecord): void {
    this.#transaction.delete(this.#db.doc(agentPath(record.name)));
    this.#countAgentOf(record.creator, -1);
  }

  /** An increment, so a create that did not read the count (an admin's) still counts exactly. */
  #countAgentOf(userId: string, delta: number): void {
    this.#transaction.set(this.#db.doc(paths.agentCreator(userId)), { schemaVersion: 1, userId, agentCount: FieldValue.increment(delta) }, { merge: true });
  }

  putOperation(operation: OperationRecord): void {
    this.#transaction.set(this.#db.doc(paths.operation(operation.name)), toFirestore(operationRecordSchema.parse(operation), codecs.operation));
  }

  putOutbox(entry: OutboxEntry): void {
    const data = { ...outboxEntrySchema.parse(entry), expireTime: recordExpireTime(entry.createTime, this.#retention) };
    this.#transaction.set(this.#db.doc(paths.outbox(entry.id)), toFirestore(data, codecs.outbox));
  }

  async getTrigger(name: string): Promise<TriggerRecord | undefined> {
    return readTrigger(await this.#transaction.get(this.#db.doc(triggerPath(name))));
  }

  createTrigger(record: TriggerRecord): void {
    this.#transaction.create(this.#db.doc(triggerPath(record.name)), toFirestore(triggerRecordSchema.parse(record), codecs.plain));
  }

  putTrigger(record: TriggerRecord): void {
    this.#transaction.set(this.#db.doc(triggerPath(record.name)), toFirestore(triggerRecordSchema.parse(record), codecs.plain));
  }

  deleteTrigger(name: string): void {
    this.#transaction.delete(this.#db.doc(triggerPath(name)));
  }

  async getDelivery(trigger: string, id: string): Promise<DeliveryRecord | undefined> {
    return readDelivery(await this.#transaction.get(this.#db.doc(deliveryPath(trigger, id))));
  }

  createDelivery(record: DeliveryRecord): void {
    this.#transaction.create(this.#db.doc(deliveryPath(record.trigger, record.id)), deliveryDocument(record, this.#retention));
  }

  async getSchedule(name: string): Promise<ScheduleRecord | undefined> {
    return readSchedule(await this.#transaction.get(this.#db.doc(schedulePath(name))));
  }

  createSchedule(record: ScheduleRecord): void {
    this.#transaction.create(this.#db.doc(schedulePath(record.name)), toFirestore(scheduleRecordSchema.parse(record), scheduleCodec));
  }

  putSchedule(record: ScheduleRecord): void {
    this.#transaction.set(this.#db.doc(schedulePath(record.name)), toFirestore(scheduleRecordSchema.parse(record), scheduleCodec));
  }

  deleteSchedule(name: string): void {
    this.#transaction.delete(this.#db.doc(schedulePath(name)));
  }

  async getFire(schedule: string, id: string): Promise<FireRecord | undefined> {
    return readFire(await this.#transaction.get(this.#db.doc(firePath(schedule, id))));
  }

  createFire(record: FireRecord): void {
    const data = { ...fireRecordSchema.parse(record), expireTime: recordExpireTime(record.createTime, this.#retention) };
    this.#transaction.create(this.#db.doc(firePath(record.schedule, record.id)), toFirestore(data, codecs.plain));
  }
}
