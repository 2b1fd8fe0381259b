import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import { runStateSchema, type Run, type RunState } from '../run.ts';

/**
 * One page of runs, newest first (createTime descending, the run id descending breaking ties):
 * what `RunStore.listRunsPage` selects in one indexed query.
 */
export interface RunListQuery {
  /** Only this user's runs; absent for every run, anonymous ones included (admins only). */
  userId?: string;
  agentName?: string;
  state?: RunState;
  sessionId?: string;
  /** createTime at or after (ms). */
  createdFrom?: number;
  /** createTime before (ms). */
  createdBefore?: number;
  /** The sort key of the previous page's last run. */
  after?: RunSortKey;
  pageSize: number;
}

/** Where a page ends: the last run's createTime and id, carried in the page token. */
export const runSortKeySchema = z.tuple([z.number(), z.string()]);
export type RunSortKey = z.infer<typeof runSortKeySchema>;

export function runSortKeyOf(run: Run): RunSortKey {
  return [run.createTime, run.runId];
}

/** A run list filter (AIP-160 subset) as a query's conditions. */
export type RunFilter = Pick<RunListQuery, 'agentName' | 'state' | 'sessionId' | 'createdFrom' | 'createdBefore'>;

const condition = /^\s*(agent|state|session_id|sessionId|create_time|createTime)\s*(=|>=|<)\s*"([^"]*)"\s*$/;

/**
 * `filter` of runs.list: conditions joined by ` AND `, each `field op "value"` with
 * `agent = "<agent resource name>"`, `state = "RUNNING"`, `session_id = "s-1"` (or `sessionId`),
 * `create_time >= "<RFC 3339>"`, `create_time < "<RFC 3339>"` (or `createTime`); a field at most
 * once per operator. Anything else — OR, NOT, other fields or operators, unquoted values — is
 * INVALID_ARGUMENT naming the part refused, since each accepted filter is one indexed query.
 */
export function parseRunFilter(raw: string | undefined): RunFilter {
  const filter: RunFilter = {};
  const text = raw?.trim() ?? '';
  if (text === '') return filter;
  for (const part of text.split(/\s+AND\s+/)) {
    const match = condition.exec(part);
    if (!match) throw refused(text, part, 'use field = "value" (agent, state, session_id) or create_time >= / < "<RFC 3339>", joined by AND');
    const [, field = '', operator, value = ''] = match;
    const time = field === 'create_time' || field === 'createTime';
    if (time !== (operator !== '=')) throw refused(text, part, time ? 'create_time takes >= or <' : `${field} takes =`);
    const key = time ? (operator === '>=' ? 'createdFrom' : 'createdBefore') : field === 'agent' ? 'agentName' : field === 'state' ? 'state' : 'sessionId';
    if (filter[key] !== undefined) throw refused(text, part, `${field} ${operator} is given twice`);
    if (key === 'state') {
      const state = runStateSchema.safeParse(value);
      if (!state.success) throw refused(text, part, `state is one of ${runStateSchema.options.join(', ')}`);
      filter.state = state.data;
    } else if (key === 'createdFrom' || key === 'createdBefore') {
      const millis = z.iso.datetime({ offset: true }).safeParse(value).success ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(millis)) throw refused(text, part, 'create_time compares with an RFC 3339 time, e.g. "2026-01-01T00:00:00Z"');
      filter[key] = millis;
    } else filter[key] = value;
  }
  return filter;
}

function refused(filter: string, part: string, hint: string): InvalidInputError {
  return new InvalidInputError(`filter: cannot use "${part.trim()}"; ${hint}`, { code: 'INVALID_FILTER', metadata: { filter, refused: part.trim() } });
}

/** The runs `query` selects from `runs`, in its order: the in-memory store's, and the contract the Firestore query keeps. */
export function selectRunsPage(runs: readonly Run[], query: RunListQuery): { runs: Run[]; next?: RunSortKey } {
  const matching = runs
    .filter((run) => (query.userId === undefined || run.userId === query.userId) && (query.agentName === undefined || run.agent?.name === query.agentName))
    .filter((run) => (query.state === undefined || run.state === query.state) && (query.sessionId === undefined || run.sessionId === query.sessionId))
    .filter((run) => (query.createdFrom === undefined || run.createTime >= query.createdFrom) && (query.createdBefore === undefined || run.createTime < query.createdBefore))
    .sort((a, b) => compareNewestFirst(runSortKeyOf(a), runSortKeyOf(b)))
    .filter((run) => !query.after || compareNewestFirst(runSortKeyOf(run), query.after) > 0);
  const page = matching.slice(0, query.pageSize);
  const last = page.at(-1);
  return matching.length > query.pageSize && last ? { runs: page, next: runSortKeyOf(last) } : { runs: page };
}

function compareNewestFirst(a: RunSortKey, b: RunSortKey): number {
  return a[0] !== b[0] ? b[0] - a[0] : a[1] === b[1] ? 0 : a[1] < b[1] ? 1 : -1;
}
