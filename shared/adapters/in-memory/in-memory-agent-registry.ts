import { agentCreatorCountSchema } from '../../domain/agents/agent-creator-count.ts';
import { agentRecordSchema, type AgentRecord } from '../../domain/agents/agent-record.ts';
import { operationRecordSchema, type OperationRecord } from '../../domain/agents/operation.ts';
import { ResourceExistsError } from '../../domain/errors.ts';
import { outboxEntrySchema, type OutboxEntry } from '../../domain/outbox.ts';
import { recordExpireTime } from '../../domain/retention.ts';
import { listAudienceOf } from '../../domain/agents/list-audience.ts';
import { selectPage } from '../../domain/agents/list-request.ts';
import type { AgentPage, AgentPageQuery, AgentRegistry, AgentRegistryTransaction, AuthorizationGrant, Page, PageRequest } from '../../ports/agent-registry.ts';
import { deliveryRecordSchema, type DeliveryRecord } from '../../domain/triggers/delivery-record.ts';
import { parseTriggerName } from '../../domain/triggers/trigger-name.ts';
import { triggerRecordSchema, type TriggerRecord } from '../../domain/triggers/trigger-record.ts';
import { deliveryCursor, deliveryPath, isAfterDeliveryCursor, newestFirst, triggerPath } from '../trigger-documents.ts';
import { fireRecordSchema, type FireRecord } from '../../domain/schedules/fire-record.ts';
import { scheduleNames } from '../../domain/schedules/schedule-name.ts';
import { scheduleRecordSchema, type ScheduleRecord } from '../../domain/schedules/schedule-record.ts';
import { firePath, firesPath, schedulePath } from '../schedule-documents.ts';
import { AlreadyExistsError } from '../../ports/run-store.ts';
import { documentPaths as paths, encodeAgentName } from '../document-paths.ts';
import { InMemoryDocuments, type InMemoryTransactionState } from './in-memory-documents.ts';
import { testRetention } from './in-memory-run-store.ts';

/**
 * AgentRegistry over in-memory documents, with Firestore's transaction rules. Pass the
 * `InMemoryDocuments` of an InMemoryRunStore (and InMemoryAgentCatalog) to share one database
 * with the pipeline.
 */
export class InMemoryAgentRegistry implements AgentRegistry {
  readonly #documents: InMemoryDocuments;

  constructor(documents: InMemoryDocuments = new InMemoryDocuments()) {
    this.#documents = documents;
  }

  async transact<T>(work: (tx: AgentRegistryTransaction) => Promise<T>): Promise<T> {
    try {
      return (await this.#documents.runTransaction((state) => work(new InMemoryAgentRegistryTransaction(state)))).result;
    } catch (error) {
      if (error instanceof AlreadyExistsError) throw new ResourceExistsError(`The agent already exists (${error.message})`, { cause: error });
      throw error;
    }
  }

  async getAgentRecord(name: string): Promise<AgentRecord | undefined> {
    const value = this.#documents.get(paths.agent(encodeAgentName(name)));
    return value === undefined ? undefined : agentRecordSchema.parse(value);
  }

  /** Scans every agent (memory has no indexes), so `documentsRead` is the number of agents. */
  async listAgentsPage(query: AgentPageQuery): Promise<AgentPage> {
    const stored = this.#documents.listChildren(paths.agents());
    const { audiences } = query;
    const listed = stored
      .map((value) => agentRecordSchema.parse(value))
      .filter((record) => record.parent === query.parent)
      .filter((record) => audiences === undefined || listAudienceOf(record).some((audience) => audiences.includes(audience)));
    const { page, nextCursor } = selectPage(listed, query.order, query.pageSize, query.after);
    return { agents: page, ...(nextCursor ? { next: nextCursor } : {}), documentsRead: stored.length };
  }

  async getOperation(name: string): Promise<OperationRecord | undefined> {
    const value = this.#documents.get(paths.operation(name));
    return value === undefined ? undefined : operationRecordSchema.parse(value);
  }

  async putGrant(grant: AuthorizationGrant): Promise<void> {
    this.#documents.write(paths.authorizationGrant(grant.userId, grant.authorization), { schemaVersion: 1, ...grant });
  }

  async deleteGrant(userId: string, authorization: string): Promise<void> {
    this.#documents.delete(paths.authorizationGrant(userId, authorization));
  }

  async listGrants(userId: string): Promise<AuthorizationGrant[]> {
    return (this.#documents.list(`${paths.authorizationGrants(userId)}/`) as StoredGrant[])
      .map(withoutVersion)
      .sort((a, b) => a.authorization.localeCompare(b.authorization));
  }

  async getTrigger(name: string): Promise<TriggerRecord | undefined> {
    const value = this.#documents.get(triggerPath(name));
    return value === undefined ? undefined : triggerRecordSchema.parse(value);
  }

  async listTriggers(agent: string, page: PageRequest): Promise<Page<TriggerRecord>> {
    const triggers = this.#documents
      .listChildren(paths.triggers(agent))
      .map((value) => triggerRecordSchema.parse(value))
      .filter((record) => page.after === undefined || parseTriggerName(record.name).triggerId > page.after);
    const items = triggers.slice(0, page.pageSize);
    const last = items.at(-1);
    return { items, ...(triggers.length > page.pageSize && last ? { next: parseTriggerName(last.name).triggerId } : {}) };
  }

  async listDeliveries(trigger: string, page: PageRequest): Promise<Page<DeliveryRecord>> {
    const { agent, triggerId } = parseTriggerName(trigger);
    const deliveries = this.#documents
      .listChildren(paths.deliveries(agent, triggerId))
      .map((value) => deliveryRecordSchema.parse(value))
      .sort(newestFirst)
      .filter((record) => page.after === undefined || isAfterDeliveryCursor(record, page.after));
    const items = deliveries.slice(0, page.pageSize);
    const last = items.at(-1);
    return { items, ...(deliveries.length > page.pageSize && last ? { next: deliveryCursor(last) } : {}) };
  }

  async recordRefusedDelivery(record: DeliveryRecord): Promise<void> {
    this.#documents.write(deliveryPath(record.trigger, record.id), this.#stored(record), true);
  }

  async getSchedule(name: string): Promise<ScheduleRecord | undefined> {
    const value = this.#documents.get(schedulePath(name));
    return value === undefined ? undefined : scheduleRecordSchema.parse(value);
  }

  async listSchedules(agent: string, page: PageRequest): Promise<Page<ScheduleRecord>> {
    const schedules = this.#documents
      .listChildren(paths.schedules(agent))
      .map((value) => scheduleRecordSchema.parse(value))
      .filter((record) => page.after === undefined || scheduleNames.parse(record.name).id > page.after);
    const items = schedules.slice(0, page.pageSize);
    const last = items.at(-1);
    return { items, ...(schedules.length > page.pageSize && last ? { next: scheduleNames.parse(last.name).id } : {}) };
  }

  async listFires(schedule: string, page: PageRequest): Promise<Page<FireRecord>> {
    const fires = this.#documents
      .listChildren(firesPath(schedule))
      .map((value) => fireRecordSchema.parse(value))
      .sort(newestFirst)
      .filter((record) => page.after === undefined || isAfterDeliveryCursor(record, page.after));
    const items = fires.slice(0, page.pageSize);
    const last = items.at(-1);
    return { items, ...(fires.length > page.pageSize && last ? { next: deliveryCursor(last) } : {}) };
  }

  #stored(record: DeliveryRecord): Record<string, unknown> {
    return { ...deliveryRecordSchema.parse(record), expireTime: recordExpireTime(record.createTime, testRetention) };
  }
}

type StoredGrant = AuthorizationGrant & { schemaVersion: number };

function withoutVersion({ userId, authorization, grantedBy, grantTime }: StoredGrant): AuthorizationGrant {
  return { userId, authorization, grantedBy, grantTime };
}

class InMemoryAgentRegistryTransaction implements AgentRegistryTransaction {
  readonly #state: InMemoryTransactionState;

  constructor(state: InMemoryTransactionState) {
    this.#state = state;
  }

  async getAgent(name: string): Promise<AgentRecord | undefined> {
    const value = this.#state.read(paths.agent(encodeAgentName(name)));
    return value === undefined ? undefined : agentRecordSchema.parse(value);
  }

  async getOperation(name: string): Promise<OperationRecord | undefined> {
    const value = this.#state.read(paths.operation(name));
    return value === undefined ? undefined : operationRecordSchema.parse(value);
  }

  async countAgentsCreatedBy(userId: string): Promise<number> {
    return agentCountOf(this.#state.read(paths.agentCreator(userId)));
  }

  createAgent(record: AgentRecord): void {
    this.#state.write(paths.agent(encodeAgentName(record.name)), agentRecordSchema.parse(record), true);
    this.#countAgentOf(record.creator, 1);
  }

  putAgent(record: AgentRecord): void {
    this.#state.write(paths.agent(encodeAgentName(record.name)), agentRecordSchema.parse(record));
  }

  deleteAgent(record: AgentRecord): void {
    this.#state.write(paths.agent(encodeAgentName(record.name)), undefined);
    this.#countAgentOf(record.creator, -1);
  }

  /** Applied to the count stored at commit, as Firestore's increment is. */
  #countAgentOf(userId: string, delta: number): void {
    this.#state.transform(paths.agentCreator(userId), (current) => ({ schemaVersion: 1, userId, agentCount: agentCountOf(current) + delta }));
  }

  putOperation(operation: OperationRecord): void {
    this.#state.write(paths.operation(operation.name), operationRecordSchema.parse(operation));
  }

  putOutbox(entry: OutboxEntry): void {
    this.#state.write(paths.outbox(entry.id), { ...outboxEntrySchema.parse(entry), expireTime: recordExpireTime(entry.createTime, testRetention) });
  }

  async getTrigger(name: string): Promise<TriggerRecord | undefined> {
    const value = this.#state.read(triggerPath(name));
    return value === undefined ? undefined : triggerRecordSchema.parse(value);
  }

  createTrigger(record: TriggerRecord): void {
    this.#state.write(triggerPath(record.name), triggerRecordSchema.parse(record), true);
  }

  putTrigger(record: TriggerRecord): void {
    this.#state.write(triggerPath(record.name), triggerRecordSchema.parse(record));
  }

  deleteTrigger(name: string): void {
    this.#state.write(triggerPath(name), undefined);
  }

  async getDelivery(trigger: string, id: string): Promise<DeliveryRecord | undefined> {
    const value = this.#state.read(deliveryPath(trigger, id));
    return value === undefined ? undefined : deliveryRecordSchema.parse(value);
  }

  createDelivery(record: DeliveryRecord): void {
    const stored = { ...deliveryRecordSchema.parse(record), expireTime: recordExpireTime(record.createTime, testRetention) };
    this.#state.write(deliveryPath(record.trigger, record.id), stored, true);
  }

  async getSchedule(name: string): Promise<ScheduleRecord | undefined> {
    const value = this.#state.read(schedulePath(name));
    return value === undefined ? undefined : scheduleRecordSchema.parse(value);
  }

  createSchedule(record: ScheduleRecord): void {
    this.#state.write(schedulePath(record.name), scheduleRecordSchema.parse(record), true);
  }

  putSchedule(record: ScheduleRecord): void {
    this.#state.write(schedulePath(record.name), scheduleRecordSchema.parse(record));
  }

  deleteSchedule(name: string): void {
    this.#state.write(schedulePath(name), undefined);
  }

  async getFire(schedule: string, id: string): Promise<FireRecord | undefined> {
    const value = this.#state.read(firePath(schedule, id));
    return value === undefined ? undefined : fireRecordSchema.parse(value);
  }

  createFire(record: FireRecord): void {
    const stored = { ...fireRecordSchema.parse(record), expireTime: recordExpireTime(record.createTime, testRetention) };
    this.#state.write(firePath(record.schedule, record.id), stored, true);
  }
}

function agentCountOf(stored: unknown): number {
  return stored === undefined ? 0 : agentCreatorCountSchema.parse(stored).agentCount;
}
