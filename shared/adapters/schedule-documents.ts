/** Where schedules and their fire records live: the same for every store. */
import { scheduleNames } from '../domain/schedules/schedule-name.ts';
import { documentPaths as paths } from './document-paths.ts';

/** The document of a schedule, by its resource name. */
export function schedulePath(name: string): string {
  const { agent, id } = scheduleNames.parse(name);
  return paths.schedule(agent, id);
}

/** The collection of a schedule's fire records. */
export function firesPath(schedule: string): string {
  const { agent, id } = scheduleNames.parse(schedule);
  return paths.fires(agent, id);
}

/** The document of one of a schedule's fire records. */
export function firePath(schedule: string, fireId: string): string {
  const { agent, id } = scheduleNames.parse(schedule);
  return paths.fire(agent, id, fireId);
}
