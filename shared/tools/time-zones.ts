import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { ToolFailure } from './tool.ts';

/** How both time tools describe one instant on a zone's wall clock. */
export interface ZonedTime {
  /** The zone name as the caller wrote it. */
  timezone: string;
  /** ISO 8601 with seconds and offset, e.g. `2026-03-29T17:30:00+09:00`. */
  datetime: string;
  /** The zone's offset from UTC at that instant, e.g. `+01:00`. */
  utc_offset: string;
  is_dst: boolean;
}

/** A time-zone argument; checked against the IANA database in `ianaZone`, not in the schema. */
export function timeZoneNameSchema(role: string): z.ZodString {
  return z.string().describe(`${role}: an IANA time zone name such as "Europe/London", "Asia/Tokyo" or "UTC"`);
}

/**
 * The IANA zone with this name (case-insensitive). Only real IANA names are accepted: luxon's
 * "local"/"system" would leak the server's zone and fixed offsets have no DST rules.
 * Throws `ToolFailure` naming the zone when there is no such zone.
 */
export function ianaZone(name: string): IANAZone {
  if (!IANAZone.isValidZone(name)) {
    throw new ToolFailure(
      `Unknown IANA time zone "${name}". Use a name like "Europe/London", "America/New_York" or "UTC".`,
    );
  }
  return IANAZone.create(name);
}

/** `instant` (epoch milliseconds) as a luxon DateTime on `zone`'s wall clock. */
export function dateTimeIn(instant: number, zone: IANAZone): DateTime {
  return DateTime.fromMillis(instant, { zone });
}

/** Describes a DateTime; seconds precision, as the model needs no milliseconds. */
export function describeZonedTime(dateTime: DateTime, timezone: string): ZonedTime {
  return {
    timezone,
    datetime: dateTime.toFormat("yyyy-MM-dd'T'HH:mm:ssZZ"),
    utc_offset: formatUtcOffset(dateTime.offset),
    is_dst: dateTime.isInDST,
  };
}

/** Offset minutes as `+05:30` / `-03:00`; zero is `+00:00`. */
export function formatUtcOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  const hours = String(Math.floor(magnitude / 60)).padStart(2, '0');
  const minutes = String(magnitude % 60).padStart(2, '0');
  return `${sign}${hours}:${minutes}`;
}
