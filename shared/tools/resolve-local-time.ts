import { DateTime } from 'luxon';
import type { Zone } from 'luxon';

/** A wall-clock reading with no zone attached. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * Which instants show a wall-clock reading in a zone: none in a spring-forward gap, two in a
 * fall-back overlap, otherwise one. Offsets are in minutes east of UTC, instants in epoch ms.
 */
export type LocalTimeResolution =
  | { kind: 'invalid' }
  | { kind: 'missing'; offsetBefore: number; offsetAfter: number }
  | { kind: 'unique'; instant: number }
  | { kind: 'ambiguous'; earlierInstant: number; laterInstant: number };

const dayMs = 86_400_000;

/**
 * Finds every instant at which `zone`'s clocks read `local`. Decided here rather than left to
 * luxon, which silently moves a time in a gap forward and picks one side of an overlap.
 * Returns `invalid` for readings that are not on any calendar (month 13, 25:00, 30 February).
 */
export function resolveLocalTime(local: LocalDateTime, zone: Zone): LocalTimeResolution {
  const wallClock = DateTime.fromObject(local, { zone: 'utc' });
  if (!wallClock.isValid) return { kind: 'invalid' };
  const wallClockAsUtc = wallClock.toMillis();
  // Real zones change offset at most once in any two days, so the offsets a day either side
  // (and at the reading itself) are the only candidates.
  const offsetBefore = zone.offset(wallClockAsUtc - dayMs);
  const offsetAfter = zone.offset(wallClockAsUtc + dayMs);
  const candidates = new Set([offsetBefore, zone.offset(wallClockAsUtc), offsetAfter]);
  const instants = [...candidates]
    .map((offset) => ({ offset, instant: wallClockAsUtc - offset * 60_000 }))
    .filter(({ offset, instant }) => zone.offset(instant) === offset)
    .map(({ instant }) => instant)
    .sort((a, b) => a - b);
  const [earlierInstant, laterInstant] = instants;
  if (earlierInstant === undefined) return { kind: 'missing', offsetBefore, offsetAfter };
  if (laterInstant === undefined) return { kind: 'unique', instant: earlierInstant };
  return { kind: 'ambiguous', earlierInstant, laterInstant };
}
