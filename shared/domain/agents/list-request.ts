import { InvalidInputError } from '../errors.ts';
import type { AgentRecord } from './agent-record.ts';
import { toCamelCase } from './to-camel-case-keys.ts';

export const defaultPageSize = 100;
export const maxPageSize = 1000;
const int32Max = 2 ** 31 - 1;
const orderableFields = ['name', 'displayName', 'createTime', 'updateTime', 'state'] as const;
type OrderableField = (typeof orderableFields)[number];
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
 * AIP-132 `orderBy`: comma-separated fields, each optionally followed by ` desc` (or ` asc`);
 * default `createTime`. The agent name always breaks ties, so the order is total.
 */
export function parseOrderBy(raw: string | undefined): OrderClause[] {
  const text = raw?.trim() ?? '';
  if (text === '') return [{ field: 'createTime', descending: false }];
  return text.split(',').map((part) => {
    const [field, direction, ...extra] = part.trim().split(/\s+/);
    if (!field || extra.length > 0 || (direction !== undefined && !/^(asc|desc)$/i.test(direction))) {
      throw new InvalidInputError(`orderBy: "${part.trim()}" must be a field optionally followed by "desc"`, { code: 'INVALID_ORDER_BY', metadata: { orderBy: part.trim() } });
    }
    const camel = toCamelCase(field);
    if (!(orderableFields as readonly string[]).includes(camel)) {
      throw new InvalidInputError(`orderBy: cannot order by "${field}"; use ${orderableFields.join(', ')}`, {
        code: 'INVALID_ORDER_BY',
        metadata: { orderBy: field, orderableFields: orderableFields.join(',') },
      });
    }
    return { field: camel as OrderableField, descending: direction?.toLowerCase() === 'desc' };
  });
}

function pageSizeProblem(pageSize: string) {
  return { code: 'INVALID_PAGE_SIZE', metadata: { pageSize } };
}

type SortKey = (string | number)[];

function sortKey(record: AgentRecord, order: readonly OrderClause[]): SortKey {
  const value = (field: OrderableField) => (field === 'displayName' ? (record.fields.displayName ?? '') : record[field]);
  return [...order.map((clause) => value(clause.field)), record.name];
}

function compareKeys(a: SortKey, b: SortKey, order: readonly OrderClause[]): number {
  for (let index = 0; index < a.length; index++) {
    const left = a[index]!;
    const right = b[index]!;
    if (left === right) continue;
    const ascending = left < right ? -1 : 1;
    return order[index]?.descending ? -ascending : ascending;
  }
  return 0;
}

/**
 * One page of `records` in `order`, after `cursor` (the sort key of the last item of the previous
 * page). `nextCursor` is absent on the last page. Keyset paging: items created or deleted between
 * pages never shift the rest.
 */
export function selectPage(
  records: readonly AgentRecord[],
  order: readonly OrderClause[],
  pageSize: number,
  cursor: unknown[] | undefined,
): { page: AgentRecord[]; nextCursor?: SortKey } {
  const keyed = records.map((record) => ({ record, key: sortKey(record, order) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key, order));
  const remaining = cursor ? keyed.filter((item) => compareKeys(item.key, cursor as SortKey, order) > 0) : keyed;
  const page = remaining.slice(0, pageSize);
  const last = page.at(-1);
  return remaining.length > pageSize && last ? { page: page.map((item) => item.record), nextCursor: last.key } : { page: page.map((item) => item.record) };
}
