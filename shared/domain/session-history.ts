import type { Content } from './content.ts';
import type { SessionEntry } from './session-entry.ts';

/**
 * How much of a session a new run starts from (docs/architecture.md, "Session history"): the
 * contents of at most `maxRuns` of the session's latest runs, and of those only as many of the
 * latest as fit in `maxBytes` (their JSON). Runs are kept or dropped whole, so a function call is
 * never separated from its response and a model turn never loses its user turn.
 */
export interface SessionWindow {
  maxRuns: number;
  maxBytes: number;
}

const encoder = new TextEncoder();

/**
 * The history a new run of the session starts from, oldest first, from the session's latest
 * entries (newest first, at most `window.maxRuns` of them, as the store reads them).
 */
export function sessionHistory(latestFirst: readonly SessionEntry[], window: SessionWindow): Content[] {
  const kept: SessionEntry[] = [];
  let bytes = 0;
  for (const entry of latestFirst.slice(0, window.maxRuns)) {
    bytes += encoder.encode(JSON.stringify(entry.contents)).length;
    if (bytes > window.maxBytes) break;
    kept.push(entry);
  }
  return kept.reverse().flatMap((entry) => entry.contents);
}
