import type { AgentRecord } from '../domain/agents/agent-record.ts';
import type { AgentSortKey, OrderClause } from '../domain/agents/list-request.ts';
import type { OperationRecord } from '../domain/agents/operation.ts';
import type { OutboxEntry } from '../domain/outbox.ts';

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
}
