import { describe, expect, it } from 'vitest';
import { convertTime, convertTimeTool } from './convert-time.ts';
import { ToolFailure } from './tool.ts';

// 2026-03-28T23:30Z: already Sunday the 29th in Tokyo, still Saturday the 28th in London.
const context = { runId: 'run-1', stepId: 'step-1', attempt: 1, idempotencyKey: 'run-1/step-1', deadline: Number.MAX_SAFE_INTEGER, now: () => Date.parse('2026-03-28T23:30:00Z') };

function convert(time: string, from: string, to: string) {
  return convertTime({ time, from_timezone: from, to_timezone: to }, context);
}

describe('convertTime', () => {
  it.each([
    // London changes on 2026-03-29 (GMT → BST) and 2026-10-25 (BST → GMT).
    ['2026-03-28T09:30', 'Europe/London', 'Asia/Tokyo', '2026-03-28T09:30:00+00:00', '2026-03-28T18:30:00+09:00', '+9.0h'],
    ['2026-03-29T09:30', 'Europe/London', 'Asia/Tokyo', '2026-03-29T09:30:00+01:00', '2026-03-29T17:30:00+09:00', '+8.0h'],
    ['2026-10-24T09:30', 'Europe/London', 'Asia/Tokyo', '2026-10-24T09:30:00+01:00', '2026-10-24T17:30:00+09:00', '+8.0h'],
    ['2026-10-25T09:30', 'Europe/London', 'Asia/Tokyo', '2026-10-25T09:30:00+00:00', '2026-10-25T18:30:00+09:00', '+9.0h'],
    // New York changes on 2026-03-08 and 2026-11-01, so for weeks the gap to London is 4 hours.
    ['2026-03-07T12:00', 'America/New_York', 'Europe/London', '2026-03-07T12:00:00-05:00', '2026-03-07T17:00:00+00:00', '+5.0h'],
    ['2026-03-08T12:00', 'America/New_York', 'Europe/London', '2026-03-08T12:00:00-04:00', '2026-03-08T16:00:00+00:00', '+4.0h'],
    ['2026-10-31T12:00', 'America/New_York', 'Europe/London', '2026-10-31T12:00:00-04:00', '2026-10-31T16:00:00+00:00', '+4.0h'],
    ['2026-11-01T12:00', 'America/New_York', 'Europe/London', '2026-11-01T12:00:00-05:00', '2026-11-01T17:00:00+00:00', '+5.0h'],
    ['2026-07-01T08:15:30', 'Asia/Tokyo', 'America/Los_Angeles', '2026-07-01T08:15:30+09:00', '2026-06-30T16:15:30-07:00', '-16.0h'],
    ['2026-03-29T12:00', 'UTC', 'Asia/Kathmandu', '2026-03-29T12:00:00+00:00', '2026-03-29T17:45:00+05:45', '+5.75h'],
    ['2026-03-29T12:00', 'Asia/Kolkata', 'UTC', '2026-03-29T12:00:00+05:30', '2026-03-29T06:30:00+00:00', '-5.5h'],
    ['2026-03-29T12:00', 'UTC', 'Etc/UTC', '2026-03-29T12:00:00+00:00', '2026-03-29T12:00:00+00:00', '+0.0h'],
  ])('converts %s in %s to %s', (time, from, to, sourceDatetime, targetDatetime, difference) => {
    const result = convert(time, from, to);
    expect(result.source).toMatchObject({ timezone: from, datetime: sourceDatetime });
    expect(result.target).toMatchObject({ timezone: to, datetime: targetDatetime });
    expect(result.time_difference).toBe(difference);
    expect(result.note).toBeUndefined();
  });

  it('reports offsets and daylight saving time for both sides', () => {
    expect(convert('2026-03-29T09:30', 'Europe/London', 'Asia/Tokyo')).toEqual({
      source: { timezone: 'Europe/London', datetime: '2026-03-29T09:30:00+01:00', utc_offset: '+01:00', is_dst: true },
      target: { timezone: 'Asia/Tokyo', datetime: '2026-03-29T17:30:00+09:00', utc_offset: '+09:00', is_dst: false },
      time_difference: '+8.0h',
    });
  });

  it.each([
    ['09:30', 'Asia/Tokyo', '2026-03-29T09:30:00+09:00'],
    ['09:30', 'Europe/London', '2026-03-28T09:30:00+00:00'],
    ['7:05', 'America/New_York', '2026-03-28T07:05:00-04:00'],
  ])('reads %s as that time on today’s date in %s', (time, from, sourceDatetime) => {
    expect(convert(time, from, 'UTC').source.datetime).toBe(sourceDatetime);
  });

  it.each([
    ['2026-03-29T01:30', 'Europe/London', '(from +00:00 to +01:00)'],
    ['2026-03-29T01:00', 'Europe/London', '(from +00:00 to +01:00)'],
    ['2026-03-08T02:30', 'America/New_York', '(from -05:00 to -04:00)'],
  ])('rejects %s in %s because the clocks skip it', (time, from, offsets) => {
    const call = () => convert(time, from, 'UTC');
    expect(call).toThrow(ToolFailure);
    expect(call).toThrow(`${time} does not exist in ${from}: the clocks jump forward past it ${offsets}`);
  });

  it.each([
    ['2026-10-25T01:30', 'Europe/London', '2026-10-25T01:30:00+01:00', '(+01:00). The later one is at +00:00.'],
    ['2026-11-01T01:30', 'America/New_York', '2026-11-01T01:30:00-04:00', '(-04:00). The later one is at -05:00.'],
  ])('takes the earlier of the two readings of %s in %s and says so', (time, from, sourceDatetime, offsets) => {
    const result = convert(time, from, 'UTC');
    expect(result.source.datetime).toBe(sourceDatetime);
    expect(result.note).toBe(
      `${time} happens twice in ${from} because the clocks go back; used the earlier occurrence ${offsets}`,
    );
  });

  it.each([
    ['2026-03-29T09:30Z', 'Unrecognised time "2026-03-29T09:30Z"'],
    ['2026-03-29T09:30+01:00', 'Unrecognised time'],
    ['half past nine', 'Unrecognised time'],
    ['930', 'Unrecognised time'],
    ['25:00', '"25:00" is not a valid date and time'],
    ['12:60', '"12:60" is not a valid date and time'],
    ['2026-02-30T10:00', '"2026-02-30T10:00" is not a valid date and time'],
  ])('rejects the time %j', (time, message) => {
    const call = () => convert(time, 'UTC', 'UTC');
    expect(call).toThrow(ToolFailure);
    expect(call).toThrow(message);
  });

  it.each([
    ['Mars/Base', 'UTC'],
    ['UTC', 'Mars/Base'],
  ])('rejects an unknown zone (from %s to %s) by name', (from, to) => {
    expect(() => convert('09:30', from, to)).toThrow('Unknown IANA time zone "Mars/Base"');
  });
});

describe('convertTimeTool', () => {
  it('is named convert_time and may be repeated because it is pure', () => {
    expect(convertTimeTool).toMatchObject({ name: 'convert_time', repeatable: true });
  });
});
