import type { SchedulerJob, SchedulerJobs } from '../../ports/scheduler-jobs.ts';

/** Scheduler jobs in a Map (unit tests and the in-memory world), listed for a clock as the local stack's are. */
export class InMemorySchedulerJobs implements SchedulerJobs {
  readonly jobs = new Map<string, SchedulerJob>();

  async put(job: SchedulerJob): Promise<void> {
    this.jobs.set(job.id, structuredClone(job));
  }

  async delete(jobId: string): Promise<void> {
    this.jobs.delete(jobId);
  }

  async list(): Promise<SchedulerJob[]> {
    return [...this.jobs.values()].map((job) => structuredClone(job));
  }
}
