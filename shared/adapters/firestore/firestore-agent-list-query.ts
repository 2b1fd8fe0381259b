import { Timestamp, type CollectionReference, type DocumentData, type Query } from '@google-cloud/firestore';
import { agentRecordSchema, type AgentRecord } from '../../domain/agents/agent-record.ts';
import { listAudienceOf } from '../../domain/agents/list-audience.ts';
import { orderableFields, type AgentSortKey, type OrderableField } from '../../domain/agents/list-request.ts';
import type { AgentPageQuery } from '../../ports/agent-registry.ts';
import { codecs, toFirestore } from './firestore-codec.ts';

/** Stored with every agent so a list can select what a caller may see inside its query. */
const listedToField = 'listedTo';

const fieldPaths: Record<OrderableField, string> = {
  name: 'name',
  displayName: 'fields.displayName',
  createTime: 'createTime',
  updateTime: 'updateTime',
  state: 'state',
};

/** An agent document: the record, plus who may find it in a list (kept in step with its state). */
export function toAgentDocument(record: AgentRecord): DocumentData {
  return { ...toFirestore(agentRecordSchema.parse(record), codecs.agent), [listedToField]: listAudienceOf(record) };
}

/**
 * The one query a list page runs: equality on the parent (and `array-contains-any` on the caller's
 * audiences), the order and the name as tie-breaker, a keyset cursor, and one agent more than the
 * page, to know whether another page follows. Each shape is a composite index in
 * infra/firestore.indexes.json (`agentListIndexes`).
 */
export function agentPageQuery(agents: CollectionReference, query: AgentPageQuery): Query {
  let selected: Query = agents.where('parent', '==', query.parent);
  if (query.audiences !== undefined) selected = selected.where(listedToField, 'array-contains-any', [...query.audiences]);
  const direction = query.order.descending ? 'desc' : 'asc';
  const byName = query.order.field === 'name';
  selected = byName ? selected.orderBy('name', direction) : selected.orderBy(fieldPaths[query.order.field], direction).orderBy('name', 'asc');
  if (query.after) selected = selected.startAfter(...cursorValues(query.order.field, query.after));
  return selected.limit(query.pageSize + 1);
}

function cursorValues(field: OrderableField, [value, name]: AgentSortKey): unknown[] {
  if (field === 'name') return [name];
  return [field.endsWith('Time') && typeof value === 'number' ? Timestamp.fromMillis(value) : value, name];
}

export interface IndexField {
  fieldPath: string;
  order?: 'ASCENDING' | 'DESCENDING';
  arrayConfig?: 'CONTAINS';
}

/** Every composite index `agentPageQuery` needs: each ordering, for admins and for everyone else. */
export function agentListIndexes(): IndexField[][] {
  const scopes: IndexField[][] = [[{ fieldPath: 'parent', order: 'ASCENDING' }], [{ fieldPath: 'parent', order: 'ASCENDING' }, { fieldPath: listedToField, arrayConfig: 'CONTAINS' }]];
  return scopes.flatMap((scope) =>
    orderableFields.flatMap((field) =>
      (['ASCENDING', 'DESCENDING'] as const).map((order) => [
        ...scope,
        { fieldPath: fieldPaths[field], order },
        ...(field === 'name' ? [] : [{ fieldPath: 'name', order: 'ASCENDING' as const }]),
      ]),
    ),
  );
}
