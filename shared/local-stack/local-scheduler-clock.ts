import { CronSchedule } from '../domain/schedules/cron-schedule.ts';
import type { SchedulerJob } from '../ports/scheduler-jobs.ts';

export interface LocalSchedulerClockOptions {
  jobs: { list(): Promise<SchedulerJob[]> };
  /** Publishes a job's message on the schedule-fires topic. */
  publish(message: SchedulerJob['message']): Promise<unknown>;
  /** How often the jobs are looked at. */
  intervalMs: number;
  now?: () => number;
  warn(message: string): void;
}

/**
 * The local stack's Cloud Scheduler (docs/architecture.md, "Schedules"): every `intervalMs` it
 * reads the jobs and publishes the message of each job not paused whose next fire time since it
 * last published has come — and once for every such job when it starts, so fires missed while
 * the stack was down are found at once and handled by each schedule's catch-up policy. Which
 * fires exist and start runs is decided by the fire handler, so a tick more or less changes
 * nothing; a publish that fails is a warning and the next tick tries again.
 */
export function startLocalSchedulerClock(options: LocalSchedulerClockOptions): { stop(): void } {
  const now = options.now ?? Date.now;
  const lastPublished = new Map<string, number>();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (const job of await options.jobs.list()) {
        if (job.paused) continue;
        const last = lastPublished.get(job.id);
        const due = last === undefined || (nextFire(job, last) ?? Number.POSITIVE_INFINITY) <= now();
        if (!due) continue;
        const at = now();
        await options.publish(job.message);
        lastPublished.set(job.id, at);
      }
    } catch (error) {
      options.warn(`warning: the local scheduler clock could not tick: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function nextFire(job: SchedulerJob, after: number): number | undefined {
  try {
    return CronSchedule.parse(job.cron, job.timeZone).next(after);
  } catch {
    return undefined;
  }
}
