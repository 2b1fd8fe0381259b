import { describe, expect, it } from 'vitest';
import { currentTime, currentTimeInputSchema, currentTimeTool } from './current-time.ts';
import { ToolFailure } from './tool.ts';

function contextAt(iso: string) {
  return { runId: 'run-1', stepId: 'step-1', attempt: 1, idempotencyKey: 'run-1/step-1', deadline: Number.MAX_SAFE_INTEGER, now: () => Date.parse(iso) };
}

describe('currentTime', () => {
  it.each([
    ['UTC', '2026-03-29T00:30:00Z', '2026-03-29T00:30:00+00:00', '+00:00', false, 'Sunday'],
    ['Europe/London', '2026-03-29T00:30:00Z', '2026-03-29T00:30:00+00:00', '+00:00', false, 'Sunday'],
    ['Europe/London', '2026-03-29T01:30:00Z', '2026-03-29T02:30:00+01:00', '+01:00', true, 'Sunday'],
    ['America/New_York', '2026-03-29T00:30:00Z', '2026-03-28T20:30:00-04:00', '-04:00', true, 'Saturday'],
    ['America/New_York', '2026-01-15T12:00:00Z', '2026-01-15T07:00:00-05:00', '-05:00', false, 'Thursday'],
    ['Asia/Tokyo', '2026-03-29T00:30:00Z', '2026-03-29T09:30:00+09:00', '+09:00', false, 'Sunday'],
    ['Asia/Kathmandu', '2026-03-29T00:30:00Z', '2026-03-29T06:15:00+05:45', '+05:45', false, 'Sunday'],
    ['Australia/Sydney', '2026-01-15T12:00:00Z', '2026-01-15T23:00:00+11:00', '+11:00', true, 'Thursday'],
  ])('reads the clock in %s at %s as %s', (timezone, now, datetime, utcOffset, isDst, dayOfWeek) => {
    expect(currentTime({ timezone }, contextAt(now))).toEqual({
      timezone,
      datetime,
      utc_offset: utcOffset,
      is_dst: isDst,
      day_of_week: dayOfWeek,
    });
  });

  it('drops milliseconds from the reported time', () => {
    expect(currentTime({ timezone: 'UTC' }, contextAt('2026-03-29T00:30:00.987Z')).datetime).toBe(
      '2026-03-29T00:30:00+00:00',
    );
  });

  it.each(['Mars/Base', 'local', 'system', 'UTC+3', ''])('rejects %j as an unknown IANA time zone', (timezone) => {
    const call = () => currentTime({ timezone }, contextAt('2026-03-29T00:30:00Z'));
    expect(call).toThrow(ToolFailure);
    expect(call).toThrow(`Unknown IANA time zone "${timezone}"`);
  });
});

describe('currentTimeTool', () => {
  it('defaults the zone to UTC when the model omits it', async () => {
    const input = currentTimeInputSchema.parse({});
    await expect(currentTimeTool.execute(input, contextAt('2026-03-29T00:30:00Z'))).resolves.toMatchObject({
      timezone: 'UTC',
      datetime: '2026-03-29T00:30:00+00:00',
    });
  });

  it('is named current_time and may be repeated because it only reads the clock', () => {
    expect(currentTimeTool).toMatchObject({ name: 'current_time', repeatable: true });
  });
});
