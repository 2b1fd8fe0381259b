import type { Caller } from '../domain/agents/permissions.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { isTerminal, type Run } from '../domain/run.ts';
import { doneEntry, type RunStreamEntry, type RunStreamRecord } from '../domain/run-stream.ts';
import { toRfc3339 } from '../domain/run-view.ts';
import type { ApiDeps } from './api-deps.ts';
import { EventStream, type ServerSentEvent } from './event-stream.ts';
import { findAuthorizedRun } from './run-methods.ts';

/** How often an idle stream sends a comment, so proxies and clients keep the connection. */
export const heartbeatMs = 15_000;
/** Records read per query while catching up. */
const pageSize = 200;

/**
 * `runs.events` (docs/architecture.md, "Run events"): the run's event stream as Server-Sent
 * Events, each with `id:` its seq, starting after `lastEventId` (the `Last-Event-ID` header, or
 * the `lastEventId` query for clients that cannot set headers; from the start when absent). Ends
 * after `done`. A reconnect after `done` is answered 204: there is nothing more. Authorization as
 * for `runs.get` (403 before 404, the owner claim of a run not yet written counting as the run),
 * decided before the stream opens.
 */
export async function openRunEvents(
  deps: Pick<ApiDeps, 'runs'>,
  caller: Caller,
  runId: string,
  lastEventId: string | undefined,
  signal: AbortSignal,
  options: { heartbeatMs?: number } = {},
): Promise<EventStream> {
  const after = parseLastEventId(lastEventId);
  // A claimed run not yet written streams from its first record, written when it is.
  const found = await findAuthorizedRun(deps, caller, runId);
  const run = 'run' in found ? found.run : undefined;
  // `done` is the last record; a run that ended before the stream existed gets it at seq 0.
  if (run && isTerminal(run.state) && after >= Math.max(0, (run.streamCount ?? 0) - 1)) return new EventStream(undefined);
  return new EventStream(followRunStream(deps.runs, runId, after, signal, options.heartbeatMs ?? heartbeatMs));
}

/**
 * Sends the records after `after`, then, woken by the run's listener (every record is written
 * with the run), the new ones, until `done`. The listener is removed however it ends: `done`, the
 * client gone (`signal`), or the consumer stopping early.
 */
async function* followRunStream(runs: ApiDeps['runs'], runId: string, after: number, signal: AbortSignal, heartbeat: number): AsyncGenerator<ServerSentEvent> {
  let next = after + 1;
  let changed = true;
  let wake: (() => void) | undefined;
  const stop = runs.watchRunDocument(runId, () => {
    changed = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    while (!signal.aborted) {
      if (!changed) {
        const woke = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), heartbeat);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = undefined;
        if (!woke) {
          yield { comment: 'keep-alive' };
          // Read again now and then even without a change: a listener that died stays silent.
          changed = true;
        }
        continue;
      }
      changed = false;
      // The run first: every record up to its streamCount is then committed and readable.
      const run = await runs.getRun(runId);
      for (let page = await runs.listStream(runId, next - 1, pageSize); page.length > 0; page = await runs.listStream(runId, next - 1, pageSize)) {
        for (const record of page) {
          yield toServerSentEvent(record);
          next = record.seq + 1;
          if (record.type === 'done') return;
        }
        if (signal.aborted) return;
      }
      if (run && isTerminal(run.state) && next >= (run.streamCount ?? 0)) {
        // Ended before the stream existed: no `done` record, so it is made up, at the next seq.
        yield toServerSentEvent(legacyDone(run, next));
        return;
      }
    }
  } finally {
    stop();
    signal.removeEventListener('abort', onAbort);
  }
}

function legacyDone(run: Run, seq: number): RunStreamRecord {
  const entry: RunStreamEntry = doneEntry(run);
  return { schemaVersion: 1, runId: run.runId, seq, ...entry, createTime: run.endTime ?? run.updateTime };
}

/** The SSE form of a record: `data` is its JSON with seq, type, step and time beside the record's own fields. */
export function toServerSentEvent(record: RunStreamRecord): ServerSentEvent {
  const data = { seq: record.seq, type: record.type, ...(record.stepId ? { stepId: record.stepId } : {}), time: toRfc3339(record.createTime), ...record.data };
  return { id: String(record.seq), event: record.type, data: JSON.stringify(data) };
}

/** -1 (from the start) when absent; otherwise a seq, as sent back by an EventSource. */
export function parseLastEventId(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return -1;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw new InvalidInputError(`Last-Event-ID must be the id of an event of this stream (a sequence number), got "${raw}"`, { code: 'INVALID_LAST_EVENT_ID', metadata: { lastEventId: raw } });
  }
  return Number(raw.trim());
}
