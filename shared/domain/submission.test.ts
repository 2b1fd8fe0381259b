import { describe, expect, it } from 'vitest';
import { runDeadlineOf, submissionSchema } from './submission.ts';

const now = Date.UTC(2026, 11, 4, 12, 0, 0);
const hour = 3_600_000;

describe('runDeadlineOf', () => {
  it('gives a run without a deadline the longest run the deployment allows', () => {
    expect(runDeadlineOf({}, now, 7 * 24 * hour)).toEqual({ deadlineTime: now + 7 * 24 * hour });
  });

  it('keeps a deadline within the longest run', () => {
    expect(runDeadlineOf({ deadline: '2026-12-04T13:00:00Z' }, now, 24 * hour)).toEqual({ deadlineTime: now + hour });
    expect(runDeadlineOf({ deadline: '2026-12-04T14:00:00+01:00' }, now, 24 * hour)).toEqual({ deadlineTime: now + hour });
  });

  it.each([
    ['later than the longest run', '2026-12-06T12:00:00Z', /later than this deployment allows: a run may last at most 86400 seconds \(until 2026-12-05T12:00:00.000Z\)/],
    ['already passed', '2026-12-04T11:59:59Z', /has already passed/],
    ['exactly now', '2026-12-04T12:00:00Z', /has already passed/],
  ])('refuses a deadline %s, naming the limit', (_case, deadline, message) => {
    const result = runDeadlineOf({ deadline }, now, 24 * hour);
    expect(result).toMatchObject({ error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) } });
  });

  it('refuses a deadline that is not an RFC 3339 time at the edge, naming the field', () => {
    const parsed = submissionSchema.safeParse({ agent: { name: 'x' }, input: 'hi', deadline: 'tomorrow' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['deadline']);
  });
});
