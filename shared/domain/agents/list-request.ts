import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import type { AgentRecord } from './agent-record.ts';
import { toCamelCase } from './to-camel-case-keys.ts';

export const defaultPageSize = 100;
export const maxPageSize = 1000;
const int32Max = 2 ** 31 - 1;
export const orderableFields = ['name', 'displayName', 'createTime', 'updateTime', 'state'] as const;
export type OrderableField = (typeof orderableFields)[number];
export interface OrderClause {
  field: OrderableField;
  descending: boolean;
}

/** AIP-158 page size: absent or 0 → 100, above 1000 → 1000; negative, not an integer or beyond int32 → INVALID_ARGUMENT. */
export function parsePageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return defaultPageSize;
  if (!/^-?\d+$/.test(raw.trim())) throw new InvalidInputError(`pageSize must be an integer, got "${raw}"`, pageSizeProblem(raw));
  const value = Number(raw);
  if (value > int32Max) throw new InvalidInputError(`pageSize must be a 32-bit integer, got ${raw}`, pageSizeProblem(raw));
  if (value < 0) throw new InvalidInputError(`pageSize must not be negative, got ${value}`, pageSizeProblem(raw));
  if (value === 0) return defaultPageSize;
  return Math.min(value, maxPageSize);
}

/**
 * AIP-132 `orderBy`: one field optionally followed by ` desc` (or ` asc`); default `createTime`.
 * The agent name always breaks ties (ascending), so the order is total. One field, because each
 * ordering is a Firestore composite index (infra/firestore.indexes.json) and a list page must be
 * one indexed query (docs/architecture.md, "API trust boundary").
 */
export function parseOrderBy(raw: string | undefined): OrderClause {
  const text = raw?.trim() ?? '';
  if (text === '') return { field: 'createTime', descending: false };
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length > 1) {
    throw new InvalidInputError(`orderBy: order by one field (ties are broken by name), got "${text}"`, { code: 'INVALID_ORDER_BY', metadata: { orderBy: text } });
  }
  const [field, direction, ...extra] = parts[0]!.split(/\s+/);
  if (!field || extra.length > 0 || (direction !== undefined && !/^(asc|desc)$/i.test(direction))) {
    throw new InvalidInputError(`orderBy: "${text}" must be a field optionally followed by "desc"`, { code: 'INVALID_ORDER_BY', metadata: { orderBy: text } });
  }
  const camel = toCamelCase(field);
  if (!(orderableFields as readonly string[]).includes(camel)) {
    throw new InvalidInputError(`orderBy: cannot order by "${field}"; use ${orderableFields.join(', ')}`, {
      code: 'INVALID_ORDER_BY',
      metadata: { orderBy: field, orderableFields: orderableFields.join(',') },
    });
  }
  return { field: camel as OrderableField, descending: direction?.toLowerCase() === 'desc' };
}

function pageSizeProblem(pageSize: string) {
  return { code: 'INVALID_PAGE_SIZE', metadata: { pageSize } };
}

/** The ordered field's value and the agent's name: where a page ends, carried in its page token. */
export const agentSortKeySchema = z.tuple([z.union([z.string(), z.number()]), z.string()]);
export type AgentSortKey = z.infer<typeof agentSortKeySchema>;

export function sortKeyOf(record: AgentRecord, order: OrderClause): AgentSortKey {
  const value = order.field === 'displayName' ? (record.fields.displayName ?? '') : record[order.field];
  return [value, record.name];
}

/** Negative when `a` comes first in `order`; the name breaks ties, ascending. */
export function compareSortKeys(a: AgentSortKey, b: AgentSortKey, order: OrderClause): number {
  if (a[0] !== b[0]) return (a[0] < b[0] ? -1 : 1) * (order.descending ? -1 : 1);
  return a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1;
}

/**
 * One page of `records` in `order`, after `cursor` (the sort key of the last item of the previous
 * page). `nextCursor` is absent on the last page. Keyset paging: items created or deleted between
 * pages never shift the rest.
 */
export function selectPage(
  records: readonly AgentRecord[],
  order: OrderClause,
  pageSize: number,
  cursor: AgentSortKey | undefined,
): { page: AgentRecord[]; nextCursor?: AgentSortKey } {
  const keyed = records.map((record) => ({ record, key: sortKeyOf(record, order) }));
  keyed.sort((a, b) => compareSortKeys(a.key, b.key, order));
  const remaining = cursor ? keyed.filter((item) => compareSortKeys(item.key, cursor, order) > 0) : keyed;
  const page = remaining.slice(0, pageSize);
  const last = page.at(-1);
  return remaining.length > pageSize && last ? { page: page.map((item) => item.record), nextCursor: last.key } : { page: page.map((item) => item.record) };
}
