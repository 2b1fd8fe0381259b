import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemorySchedulerJobs } from '../adapters/in-memory/in-memory-scheduler-jobs.ts';
import { startLocalSchedulerClock } from './local-scheduler-clock.ts';

const start = Date.parse('2026-06-01T00:00:30Z');
const job = (id: string, cron: string, paused = false) => ({ id, cron, timeZone: 'UTC', paused, message: { schedule: `agents/a/schedules/${id}` } });

afterEach(() => vi.useRealTimers());

describe("the local stack's scheduler clock", () => {
  it('publishes each job not paused once when it starts, then at each of its fire times, and never for a paused job', async () => {
    vi.useFakeTimers({ now: start });
    const jobs = new InMemorySchedulerJobs();
    await jobs.put(job('minutely', '* * * * *'));
    await jobs.put(job('hourly', '0 * * * *'));
    await jobs.put(job('paused', '* * * * *', true));
    const published: string[] = [];
    const clock = startLocalSchedulerClock({ jobs, publish: async (message) => published.push(`${new Date(Date.now()).toISOString().slice(11, 19)} ${message.schedule}`), intervalMs: 1_000, warn: () => {} });
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toEqual(['00:00:30 agents/a/schedules/minutely', '00:00:30 agents/a/schedules/hourly']);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(published).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(published.slice(2)).toEqual(['00:01:00 agents/a/schedules/minutely']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(published.slice(3)).toEqual(['00:02:00 agents/a/schedules/minutely']);
    clock.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(published).toHaveLength(4);
  });

  it('tries a publish that failed again at the next tick, with a warning', async () => {
    vi.useFakeTimers({ now: start });
    const jobs = new InMemorySchedulerJobs();
    await jobs.put(job('minutely', '* * * * *'));
    const warnings: string[] = [];
    let failing = true;
    let published = 0;
    const clock = startLocalSchedulerClock({
      jobs,
      publish: async () => {
        if (failing) throw new Error('emulator unavailable');
        published += 1;
      },
      intervalMs: 1_000,
      warn: (message) => warnings.push(message),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(warnings).toEqual([expect.stringContaining('emulator unavailable')]);
    failing = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(published).toBe(1);
    clock.stop();
  });
});
