import type { IANAZone } from 'luxon';
import { z } from 'zod';
import type { LocalDateTime } from './resolve-local-time.ts';
import { resolveLocalTime } from './resolve-local-time.ts';
import type { ZonedTime } from './time-zones.ts';
import { dateTimeIn, describeZonedTime, formatUtcOffset, ianaZone, timeZoneNameSchema } from './time-zones.ts';
import type { RepeatableTool, ToolContext } from './tool.ts';
import { ToolFailure } from './tool.ts';

/** Arguments of the `convert_time` tool. */
export const convertTimeInputSchema = z.object({
  time: z
    .string()
    .describe(
      'Wall-clock time in from_timezone: "HH:mm" (24-hour, today\'s date there) or a local ' +
        'date-time "YYYY-MM-DDTHH:mm" / "YYYY-MM-DDTHH:mm:ss" with no UTC offset',
    ),
  from_timezone: timeZoneNameSchema('Zone the time is given in'),
  to_timezone: timeZoneNameSchema('Zone to convert the time to'),
});

export type ConvertTimeInput = z.infer<typeof convertTimeInputSchema>;

/** The same instant on both wall clocks, as the MCP time server's `convert_time` reports it. */
export interface ConvertTimeOutput {
  source: ZonedTime;
  target: ZonedTime;
  /** Target offset minus source offset in hours, e.g. `+8.0h`, `-4.0h`, `+5.75h`. */
  time_difference: string;
  /** Present when the source time was ambiguous (clocks went back) and which reading was used. */
  note?: string;
}

const clockTimePattern = /^(\d{1,2}):(\d{2})$/;
const localDateTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Converts a wall-clock time from one IANA zone to another, DST-correct on both sides. A time
 * in a spring-forward gap throws `ToolFailure`; one in a fall-back overlap uses the earlier
 * instant and says so in `note`. Unknown zones and unreadable times throw `ToolFailure`.
 */
export function convertTime(input: ConvertTimeInput, context: Pick<ToolContext, 'now'>): ConvertTimeOutput {
  const fromZone = ianaZone(input.from_timezone);
  const toZone = ianaZone(input.to_timezone);
  const local = parseLocalTime(input.time, fromZone, context.now());
  const shown = formatLocal(local);
  const resolution = resolveLocalTime(local, fromZone);
  if (resolution.kind === 'invalid') throw new ToolFailure(`"${input.time}" is not a valid date and time`);
  if (resolution.kind === 'missing') {
    throw new ToolFailure(
      `${shown} does not exist in ${input.from_timezone}: the clocks jump forward past it ` +
        `(from ${formatUtcOffset(resolution.offsetBefore)} to ${formatUtcOffset(resolution.offsetAfter)}). ` +
        'Choose a time outside the gap.',
    );
  }
  const instant = resolution.kind === 'unique' ? resolution.instant : resolution.earlierInstant;
  const source = dateTimeIn(instant, fromZone);
  const target = dateTimeIn(instant, toZone);
  const output: ConvertTimeOutput = {
    source: describeZonedTime(source, input.from_timezone),
    target: describeZonedTime(target, input.to_timezone),
    time_difference: formatHourDifference(target.offset - source.offset),
  };
  if (resolution.kind === 'ambiguous') {
    const later = formatUtcOffset(fromZone.offset(resolution.laterInstant));
    output.note =
      `${shown} happens twice in ${input.from_timezone} because the clocks go back; used the earlier ` +
      `occurrence (${formatUtcOffset(source.offset)}). The later one is at ${later}.`;
  }
  return output;
}

function parseLocalTime(time: string, fromZone: IANAZone, now: number): LocalDateTime {
  const clock = clockTimePattern.exec(time.trim());
  if (clock !== null) {
    // "Today" is the date in the zone the time is given in, not UTC's or the server's.
    const { year, month, day } = dateTimeIn(now, fromZone);
    return { year, month, day, hour: Number(clock[1]), minute: Number(clock[2]), second: 0 };
  }
  const parts = localDateTimePattern.exec(time.trim())?.slice(1).map((part) => Number(part ?? '0'));
  if (parts === undefined) {
    throw new ToolFailure(
      `Unrecognised time "${time}". Use "HH:mm" (24-hour, e.g. "09:30") or a local date-time such as ` +
        '"2026-03-29T09:30", without a UTC offset (from_timezone gives the offset).',
    );
  }
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  return { year, month, day, hour, minute, second };
}

function formatLocal({ year, month, day, hour, minute, second }: LocalDateTime): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const seconds = second === 0 ? '' : `:${pad(second)}`;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}${seconds}`;
}

// Same shape as the MCP time server: one decimal for whole hours, up to two otherwise.
function formatHourDifference(minutes: number): string {
  const hours = minutes / 60;
  const digits = Number.isInteger(hours) ? hours.toFixed(1) : hours.toFixed(2).replace(/0+$/, '');
  return `${hours < 0 ? '' : '+'}${digits}h`;
}

/** Converts a time between zones; pure given `context.now()`, so repeatable. */
export const convertTimeTool: RepeatableTool<ConvertTimeInput> = {
  name: 'convert_time',
  description:
    'Converts a wall-clock time from one IANA time zone to another, taking daylight saving time ' +
    'into account on both sides. Returns both times with their UTC offsets and the difference.',
  inputSchema: convertTimeInputSchema,
  repeatable: true,
  execute: async (input, context) => convertTime(input, context),
};
