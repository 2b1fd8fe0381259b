import type { AgentRecord } from '../domain/agents/agent-record.ts';
import type { AgentSortKey, OrderClause } from '../domain/agents/list-request.ts';
import type { OperationRecord } from '../domain/agents/operation.ts';
import type { OutboxEntry } from '../domain/outbox.ts';
import type { DeliveryRecord } from '../domain/triggers/delivery-record.ts';
import type { TriggerRecord } from '../domain/triggers/trigger-record.ts';
import type { FireRecord } from '../domain/schedules/fire-record.ts';
import type { ScheduleRecord } from '../domain/schedules/schedule-record.ts';

/** A user's grant of a named authorization (`authorizationConfig.agentAuthorization`). */
export interface AuthorizationGrant {
  userId: string;
  authorization: string;
  grantedBy: string;
  grantTime: number;
}

/** One page of agents under a parent, as `list` asks for it. */
export interface AgentPageQuery {
  parent: string;
  /** Only agents listed to one of these (`listAudienceOf`); undefined lists every agent (admins). */
  audiences: readonly string[] | undefined;
  order: OrderClause;
  /** The sort key of the previous page's last agent; absent for the first page. */
  after: AgentSortKey | undefined;
  pageSize: number;
}

export interface AgentPage {
  agents: AgentRecord[];
  /** The last agent's sort key when more agents follow; absent on the last page. */
  next?: AgentSortKey;
  /** Documents the page cost to read: what keeps a page's price independent of the collection's size. */
  documentsRead: number;
}

/** Reads and writes of one registry transaction: reads first, then writes, all or nothing. */
export interface AgentRegistryTransaction {
  /** Undefined when absent. */
  getAgent(name: string): Promise<AgentRecord | undefined>;
  /** Undefined when absent. */
  getOperation(name: string): Promise<OperationRecord | undefined>;
  /**
   * How many agents `userId` has created and not deleted: 0 for a user who never created one.
   * Reading it makes a concurrent create or delete by the same user re-run this transaction, so a
   * limit checked against it holds under concurrency.
   */
  countAgentsCreatedBy(userId: string): Promise<number>;
  /**
   * Creates the agent and counts it for its creator, in this transaction. Fails the transaction
   * with ResourceExistsError (ALREADY_EXISTS) when the agent exists (and then counts nothing).
   */
  createAgent(record: AgentRecord): void;
  /** Replaces the agent document. */
  putAgent(record: AgentRecord): void;
  /** Deletes the agent as this transaction read it, and no longer counts it for its creator. */
  deleteAgent(record: AgentRecord): void;
  /** Creates or replaces the operation document. */
  putOperation(operation: OperationRecord): void;
  /** Stores an outbox entry with the change that caused it (a deploy, a lifecycle announcement). */
  putOutbox(entry: OutboxEntry): void;
  /** Undefined when absent. */
  getTrigger(name: string): Promise<TriggerRecord | undefined>;
  /** Creates the trigger; fails the transaction with ResourceExistsError when it exists. */
  createTrigger(record: TriggerRecord): void;
  /** Replaces the trigger document. */
  putTrigger(record: TriggerRecord): void;
  /** Deletes the trigger (its delivery records expire on their own). Deleting a missing one is a no-op. */
  deleteTrigger(name: string): void;
  /** The delivery record `id` of the trigger; undefined when absent. */
  getDelivery(trigger: string, id: string): Promise<DeliveryRecord | undefined>;
  /**
   * Creates a delivery record once: fails the transaction with ResourceExistsError when it exists,
   * so two concurrent deliveries of one delivery id cannot both be accepted.
   */
  createDelivery(record: DeliveryRecord): void;
  /** Undefined when absent. */
  getSchedule(name: string): Promise<ScheduleRecord | undefined>;
  /** Creates the schedule; fails the transaction with ResourceExistsError when it exists. */
  createSchedule(record: ScheduleRecord): void;
  /** Replaces the schedule document. */
  putSchedule(record: ScheduleRecord): void;
  /** Deletes the schedule (its fire records expire on their own). Deleting a missing one is a no-op. */
  deleteSchedule(name: string): void;
  /** The fire record `id` of the schedule; undefined when absent. */
  getFire(schedule: string, id: string): Promise<FireRecord | undefined>;
  /** Creates a fire record once: fails the transaction with ResourceExistsError when it exists. */
  createFire(record: FireRecord): void;
}

/** One page of a collection under a parent resource, newest first (triggers by name, deliveries by time). */
export interface PageRequest {
  pageSize: number;
  /** The cursor of the previous page's last item; absent for the first page. */
  after: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** The last item's cursor when more items follow; absent on the last page. */
  next?: string;
}

/**
 * Registered agents, their long-running operations and authorization grants: what the agents
 * API writes. The pipeline reads the same documents through its AgentCatalog.
 */
export interface AgentRegistry {
  /** Runs `work` in one transaction, re-running it on contention; nothing is written if it throws. */
  transact<T>(work: (tx: AgentRegistryTransaction) => Promise<T>): Promise<T>;
  /** The full record; undefined when absent. */
  getAgentRecord(name: string): Promise<AgentRecord | undefined>;
  /**
   * One page of the agents under `query.parent` that are listed to one of `query.audiences`, in
   * `query.order` (ties by name), after `query.after`. Reads about one page of documents however
   * many agents exist or are hidden from the caller: one indexed query with a limit.
   */
  listAgentsPage(query: AgentPageQuery): Promise<AgentPage>;
  /** Undefined when absent. */
  getOperation(name: string): Promise<OperationRecord | undefined>;
  /** Idempotent: granting again replaces the grant. */
  putGrant(grant: AuthorizationGrant): Promise<void>;
  /** Idempotent: revoking an absent grant is a no-op. */
  deleteGrant(userId: string, authorization: string): Promise<void>;
  /** The user's grants, sorted by authorization name. */
  listGrants(userId: string): Promise<AuthorizationGrant[]>;
  /** The trigger; undefined when absent. */
  getTrigger(name: string): Promise<TriggerRecord | undefined>;
  /** One page of the agent's triggers, by name; the cursor is the last trigger's name. */
  listTriggers(agent: string, page: PageRequest): Promise<Page<TriggerRecord>>;
  /**
   * One page of a trigger's delivery records, newest first (ties by id); the cursor is opaque to
   * callers. Reads one page of documents, however many deliveries are stored.
   */
  listDeliveries(trigger: string, page: PageRequest): Promise<Page<DeliveryRecord>>;
  /** Records a refused delivery (its id is fresh, so this never collides). */
  recordRefusedDelivery(record: DeliveryRecord): Promise<void>;
  /** The schedule; undefined when absent. */
  getSchedule(name: string): Promise<ScheduleRecord | undefined>;
  /** One page of the agent's schedules, by name; the cursor is the last schedule's id. */
  listSchedules(agent: string, page: PageRequest): Promise<Page<ScheduleRecord>>;
  /** One page of a schedule's fire records, newest first (ties by id), one indexed query. */
  listFires(schedule: string, page: PageRequest): Promise<Page<FireRecord>>;
}
