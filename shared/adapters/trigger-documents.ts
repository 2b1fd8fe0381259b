/** Where triggers and their delivery records live, and the delivery list's cursor: the same for every store. */
import { parseTriggerName } from '../domain/triggers/trigger-name.ts';
import { documentPaths as paths } from './document-paths.ts';

/** The document of a trigger, by its resource name. */
export function triggerPath(name: string): string {
  const { agent, triggerId } = parseTriggerName(name);
  return paths.trigger(agent, triggerId);
}

/** The document of one of a trigger's delivery records. */
export function deliveryPath(trigger: string, id: string): string {
  const { agent, triggerId } = parseTriggerName(trigger);
  return paths.delivery(agent, triggerId, id);
}

/** A record listed newest first with a keyset cursor: delivery records, schedule fires. */
export interface TimedRecord {
  createTime: number;
  id: string;
}

/** Newest first, ties by id (descending), as the Firestore query orders them. */
export function newestFirst(a: TimedRecord, b: TimedRecord): number {
  return b.createTime - a.createTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** `<createTime>_<id>` of the last record of a page. */
export function deliveryCursor(record: TimedRecord): string {
  return `${record.createTime}_${record.id}`;
}

/** Reads a cursor back; undefined when it is not one. */
export function parseDeliveryCursor(cursor: string): { createTime: number; id: string } | undefined {
  const match = /^(\d{1,15})_(.+)$/.exec(cursor);
  return match ? { createTime: Number(match[1]), id: match[2]! } : undefined;
}

/** Whether `record` comes after the cursor in newest-first order. */
export function isAfterDeliveryCursor(record: TimedRecord, cursor: string): boolean {
  const parsed = parseDeliveryCursor(cursor);
  if (!parsed) return false;
  return record.createTime < parsed.createTime || (record.createTime === parsed.createTime && record.id < parsed.id);
}
