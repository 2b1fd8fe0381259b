import { describe, expect, it } from 'vitest';
import { checkTimestampWindow, parseUnixSeconds } from './check-timestamp.ts';

const signedAt = 1_614_265_330;
const nowAt = (offsetSeconds: number) => (signedAt + offsetSeconds) * 1000;

describe('parseUnixSeconds', () => {
  it('reads decimal seconds', () => {
    expect(parseUnixSeconds('1614265330', 'webhook-timestamp')).toBe(signedAt);
  });

  it.each([[''], ['-1'], ['+1614265330'], ['1614265330.5'], ['1e9'], [' 1614265330'], ['0x10'], ['1234567890123']])(
    'refuses %j as MALFORMED_HEADER',
    (text) => {
      expect(parseUnixSeconds(text, 'webhook-timestamp')).toEqual({
        ok: false,
        reason: 'MALFORMED_HEADER',
        message: 'webhook-timestamp is not a Unix time in seconds.',
      });
    },
  );
});

describe('checkTimestampWindow', () => {
  it.each([[0], [300], [-300], [300.999]])('accepts a signature %s s old (within five minutes either way)', (offset) => {
    expect(checkTimestampWindow(signedAt, nowAt(offset))).toBeUndefined();
  });

  it('refuses a signature more than five minutes old as STALE_TIMESTAMP', () => {
    expect(checkTimestampWindow(signedAt, nowAt(301))).toEqual({
      ok: false,
      reason: 'STALE_TIMESTAMP',
      message: 'The delivery was signed 301 s ago, more than the tolerance of 300 s.',
    });
  });

  it('refuses a signature more than five minutes ahead as FUTURE_TIMESTAMP', () => {
    expect(checkTimestampWindow(signedAt, nowAt(-301))).toEqual({
      ok: false,
      reason: 'FUTURE_TIMESTAMP',
      message: 'The delivery was signed 301 s in the future, more than the tolerance of 300 s.',
    });
  });

  it('applies a tolerance it is given', () => {
    expect(checkTimestampWindow(signedAt, nowAt(61), 60)).toMatchObject({ reason: 'STALE_TIMESTAMP' });
    expect(checkTimestampWindow(signedAt, nowAt(60), 60)).toBeUndefined();
  });
});
