import { createHash } from 'node:crypto';

/**
 * The Cloud Scheduler job id of a schedule: a schedule's name is too long and holds slashes, so
 * the id is a hash of it (letters, digits and hyphens, as Cloud Scheduler takes them).
 */
export function schedulerJobId(scheduleName: string): string {
  return `agentline-schedule-${createHash('sha256').update(scheduleName).digest('hex').slice(0, 40)}`;
}
