/**
 * One schedule's clock: a job that publishes `message` to the schedule-fires topic at every fire
 * time of `cron` in `timeZone` while not paused. Cloud Scheduler in production; the local stack's
 * own clock over the same records locally (docs/architecture.md, "Schedules"). The job only says
 * "look now"; which fire times exist, and which of them start runs, is decided when its message
 * is handled, so a job that ticks twice, late or not at all loses and repeats nothing.
 */
export interface SchedulerJob {
  /** The job id, derived from the schedule's name (`schedulerJobId`). */
  id: string;
  cron: string;
  timeZone: string;
  paused: boolean;
  /** The JSON published at each tick. */
  message: { schedule: string };
}

export interface SchedulerJobs {
  /** Makes the job exist as given, creating or replacing it; doing it again changes nothing. */
  put(job: SchedulerJob): Promise<void>;
  /** Removes the job; removing one that does not exist is fine. */
  delete(jobId: string): Promise<void>;
}
