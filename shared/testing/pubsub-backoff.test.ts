import { describe, expect, it } from 'vitest';
import { pubsubBackoffSeconds } from './pubsub-backoff.ts';

const deployed = { minimumBackoffSeconds: 1, maximumBackoffSeconds: 10 };

describe('pubsubBackoffSeconds', () => {
  it('grows by 1.3 per failure from the minimum and stops at the maximum (upper edge of the jitter)', () => {
    const delays = Array.from({ length: 12 }, (_, index) => pubsubBackoffSeconds(index + 1, deployed, 1));
    expect(delays[0]).toBeCloseTo(1.7); // 0.4 + 1.3
    expect(delays[1]).toBeCloseTo(2.09); // 0.4 + 1.69
    for (let index = 1; index < delays.length; index++) expect(delays[index]!).toBeGreaterThanOrEqual(delays[index - 1]!);
    expect(delays.slice(8)).toEqual([10, 10, 10, 10]); // 1.3^9 passes max − 0.4 × min
  });

  it.each([
    { failures: 1, random: 0, expected: 1.18 },
    { failures: 1, random: 0.5, expected: 1.44 },
    { failures: 9, random: 0, expected: 6.16 },
    { failures: 30, random: 0.5, expected: 8.08 },
  ])('after $failures failures with jitter $random waits $expected s', ({ failures, random, expected }) => {
    expect(pubsubBackoffSeconds(failures, deployed, random)).toBeCloseTo(expected);
  });

  it('never leaves [minimum, maximum], whatever the jitter', () => {
    for (const failures of [0, 1, 5, 50]) {
      for (const random of [0, 0.3, 1]) {
        const delay = pubsubBackoffSeconds(failures, deployed, random);
        expect(delay).toBeGreaterThanOrEqual(1);
        expect(delay).toBeLessThanOrEqual(10);
      }
    }
  });

  it('is the minimum every time when minimum and maximum are equal', () => {
    expect(pubsubBackoffSeconds(7, { minimumBackoffSeconds: 1, maximumBackoffSeconds: 1 }, 0.2)).toBe(1);
  });

  it('redelivers at once under a zero minimum and maximum', () => {
    expect(pubsubBackoffSeconds(3, { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 }, 0.9)).toBe(0);
  });
});
