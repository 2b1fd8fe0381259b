import { describe, expect, it } from 'vitest';
import { CronSchedule } from './cron-schedule.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (time: number) => new Date(time).toISOString();
/** The next `n` fire times after `from`, as UTC instants. */
function fires(cron: string, timeZone: string, from: string, n: number): string[] {
  const schedule = CronSchedule.parse(cron, timeZone);
  const out: string[] = [];
  for (let time = at(from); out.length < n; ) {
    time = schedule.next(time)!;
    out.push(iso(time));
  }
  return out;
}

describe('cron fire times across daylight saving time (the stated policy)', () => {
  it('Europe/London, clocks forward (29 March 2026, 01:00 GMT → 02:00 BST): a fixed 01:30 that does not exist fires once, when the gap ends', () => {
    expect(fires('30 1 * * *', 'Europe/London', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00.000Z', // 01:30 GMT
      '2026-03-29T01:00:00.000Z', // 02:00 BST: the gap's end
      '2026-03-30T00:30:00.000Z', // 01:30 BST
    ]);
  });

  it('Europe/London, clocks back (25 October 2026, 02:00 BST → 01:00 GMT): a fixed 01:30 that happens twice fires once, at its first occurrence', () => {
    expect(fires('30 1 * * *', 'Europe/London', '2026-10-23T12:00:00Z', 3)).toEqual([
      '2026-10-24T00:30:00.000Z', // 01:30 BST
      '2026-10-25T00:30:00.000Z', // 01:30 BST, the first of the two; not 01:30 GMT
      '2026-10-26T01:30:00.000Z', // 01:30 GMT
    ]);
  });

  it('America/New_York, clocks forward (8 March 2026, 02:00 EST → 03:00 EDT): 02:30 fires once, at 03:00 EDT', () => {
    expect(fires('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('America/New_York, clocks back (1 November 2026, 02:00 EDT → 01:00 EST): 01:30 fires once, at 01:30 EDT', () => {
    expect(fires('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('an every-30-minutes schedule follows elapsed time: no fires inside the forward gap, fires in both passes of the repeated hour', () => {
    expect(fires('*/30 * * * *', 'Europe/London', '2026-03-29T00:00:00Z', 3)).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']);
    expect(fires('*/30 * * * *', 'Europe/London', '2026-10-25T00:00:00Z', 4)).toEqual([
      '2026-10-25T00:30:00.000Z', // 01:30 BST
      '2026-10-25T01:00:00.000Z', // 01:00 GMT
      '2026-10-25T01:30:00.000Z', // 01:30 GMT
      '2026-10-25T02:00:00.000Z',
    ]);
  });

  it('Asia/Seoul has no daylight saving time: 02:00 every night is 17:00 UTC the day before', () => {
    expect(fires('0 2 * * *', 'Asia/Seoul', '2026-03-28T00:00:00Z', 2)).toEqual(['2026-03-28T17:00:00.000Z', '2026-03-29T17:00:00.000Z']);
  });
});

describe('the latest fire times in an interval', () => {
  it('answers the latest ones oldest first with how many the interval holds, and stops counting at the limit', () => {
    const everyMinute = CronSchedule.parse('* * * * *', 'UTC');
    const from = at('2026-01-01T00:00:00Z');
    expect(everyMinute.latestBetween(from, from + 10 * 60_000, 3)).toEqual({
      times: [from + 8 * 60_000, from + 9 * 60_000, from + 10 * 60_000],
      total: 10,
      countCapped: false,
    });
    expect(everyMinute.latestBetween(from, from + 365 * 86_400_000, 2, 1_000)).toMatchObject({ total: 1_000, countCapped: true });
    expect(everyMinute.latestBetween(from, from + 30_000, 3)).toEqual({ times: [], total: 0, countCapped: false });
  });
});

describe('parsing a schedule', () => {
  it.each([
    ['61 * * * *', 'UTC', /cron "61 \* \* \* \*" is not valid: .*minute/],
    ['0 2 * * * *', 'UTC', /must have five fields/],
    ['0 2 * *', 'UTC', /must have five fields/],
    ['0 2 * * *', 'Mars/Olympus_Mons', /timeZone "Mars\/Olympus_Mons" is not an IANA time zone/],
    ['0 2 * * *', '+09:00', /is not an IANA time zone/],
  ])('refuses %s in %s naming the problem', (cron, timeZone, message) => {
    expect(() => CronSchedule.parse(cron, timeZone)).toThrow(message);
  });
});
