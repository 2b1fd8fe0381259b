import type { CloudSchedulerClient } from '@google-cloud/scheduler';
import type { SchedulerJob, SchedulerJobs } from '../../ports/scheduler-jobs.ts';
import { fromGoogleRpcError, grpcCode, grpcStatus } from '../google-rpc-error.ts';

export interface CloudSchedulerJobsOptions {
  /** `projects/P/locations/L`: where the jobs live. */
  locationPath: string;
  /** The full name of the schedule-fires topic the jobs publish to. */
  topicName: string;
}

/**
 * Schedules' jobs in Cloud Scheduler (`@google-cloud/scheduler`), each publishing its schedule's
 * message to the schedule-fires topic (docs/architecture.md, "Schedules"). `put` updates the job,
 * creating it when it does not exist, then pauses or resumes it to match; every call reads or
 * writes the whole job, so a repeat converges on the same job.
 */
export class CloudSchedulerJobs implements SchedulerJobs {
  readonly #client: CloudSchedulerClient;
  readonly #options: CloudSchedulerJobsOptions;

  constructor(client: CloudSchedulerClient, options: CloudSchedulerJobsOptions) {
    this.#client = client;
    this.#options = options;
  }

  async put(job: SchedulerJob): Promise<void> {
    const name = `${this.#options.locationPath}/jobs/${job.id}`;
    const desired = {
      name,
      description: `agentline schedule ${job.message.schedule}`,
      schedule: job.cron,
      timeZone: job.timeZone,
      pubsubTarget: { topicName: this.#options.topicName, data: Buffer.from(JSON.stringify(job.message)) },
    };
    try {
      let state: unknown;
      try {
        [{ state }] = await this.#client.updateJob({ job: desired, updateMask: { paths: ['description', 'schedule', 'time_zone', 'pubsub_target'] } });
      } catch (error) {
        if (grpcCode(error) !== grpcStatus.notFound) throw error;
        [{ state }] = await this.#client.createJob({ parent: this.#options.locationPath, job: desired });
      }
      // google.cloud.scheduler.v1.Job.State: PAUSED is 2 (a name or a number, as the client decodes it).
      const paused = state === 'PAUSED' || state === 2;
      if (job.paused && !paused) await this.#client.pauseJob({ name });
      if (!job.paused && paused) await this.#client.resumeJob({ name });
    } catch (error) {
      throw fromCloudSchedulerError(error, 'put');
    }
  }

  async delete(jobId: string): Promise<void> {
    try {
      await this.#client.deleteJob({ name: `${this.#options.locationPath}/jobs/${jobId}` });
    } catch (error) {
      if (grpcCode(error) === grpcStatus.notFound) return;
      throw fromCloudSchedulerError(error, 'deleteJob');
    }
  }
}

function fromCloudSchedulerError(error: unknown, method: string): unknown {
  return fromGoogleRpcError(error, { service: 'Cloud Scheduler', method, unavailableCode: 'CLOUD_SCHEDULER_UNAVAILABLE', refusedCode: 'CLOUD_SCHEDULER_REFUSED' });
}
