import { z } from 'zod';
import type { ZonedTime } from './time-zones.ts';
import { dateTimeIn, describeZonedTime, ianaZone } from './time-zones.ts';
import type { RepeatableTool, ToolContext } from './tool.ts';

/** Arguments of the `current_time` tool; the zone defaults to UTC. */
export const currentTimeInputSchema = z.object({
  timezone: z
    .string()
    .default('UTC')
    .describe('IANA time zone name such as "Europe/London" or "America/New_York"; defaults to "UTC"'),
});

export type CurrentTimeInput = z.infer<typeof currentTimeInputSchema>;

/** What `current_time` returns: the zoned time plus the weekday, e.g. `Sunday`. */
export interface CurrentTimeOutput extends ZonedTime {
  day_of_week: string;
}

/**
 * The instant `context.now()` on the wall clock of `timezone`. Throws `ToolFailure` for a name
 * that is not an IANA zone.
 */
export function currentTime({ timezone }: CurrentTimeInput, context: Pick<ToolContext, 'now'>): CurrentTimeOutput {
  const dateTime = dateTimeIn(context.now(), ianaZone(timezone));
  // English weekday names whatever the server's locale, so the output does not vary by host.
  return { ...describeZonedTime(dateTime, timezone), day_of_week: dateTime.setLocale('en-US').weekdayLong ?? '' };
}

/** Tells the model the current date and time in a zone; read-only, so repeatable. */
export const currentTimeTool: RepeatableTool<CurrentTimeInput> = {
  name: 'current_time',
  description:
    'Returns the current date and time in an IANA time zone, with its UTC offset, whether ' +
    'daylight saving time is in effect and the day of the week.',
  inputSchema: currentTimeInputSchema,
  repeatable: true,
  execute: async (input, context) => currentTime(input, context),
};
