import { scheduleMessageSchema } from '../domain/schedules/schedule-messages.ts';
import { schedulerJobId } from '../domain/schedules/scheduler-job-id.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import type { AgentRegistry } from '../ports/agent-registry.ts';
import type { Logger } from '../ports/logger.ts';
import type { SchedulerJobs } from '../ports/scheduler-jobs.ts';

interface Deps {
  registry: Pick<AgentRegistry, 'getSchedule'>;
  schedulerJobs: SchedulerJobs;
  logger: Logger;
}

/** How many times one message re-reads a schedule that changed while its job was being written. */
const maxPasses = 3;

/**
 * `syncScheduleJob`, on the schedule-sync topic (docs/architecture.md, "Schedules"): makes the
 * schedule's job match the schedule as it is now — its cron, time zone and paused state — or
 * removes the job of a schedule that is gone. Every message reads the latest schedule, so
 * messages handled twice or out of order still end on its latest state; a schedule changed while
 * its job was written is read and written again.
 */
export function createSyncScheduleJobHandler(deps: Deps) {
  return async function syncScheduleJob(delivery: Delivery): Promise<void> {
    const { schedule: name } = decodeJsonMessage(delivery, scheduleMessageSchema, `Schedule sync on ${delivery.source}`);
    const id = schedulerJobId(name);
    for (let pass = 0; pass < maxPasses; pass += 1) {
      const schedule = await deps.registry.getSchedule(name);
      if (!schedule) return deps.schedulerJobs.delete(id);
      await deps.schedulerJobs.put({ id, cron: schedule.fields.cron, timeZone: schedule.fields.timeZone, paused: schedule.state === 'PAUSED', message: { schedule: name } });
      const after = await deps.registry.getSchedule(name);
      if (after?.updateTime === schedule.updateTime) return;
    }
    deps.logger.warn('schedule kept changing while its job was written; the next change syncs it again', { schedule: name });
  };
}
