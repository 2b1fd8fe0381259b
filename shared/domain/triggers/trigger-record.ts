import { z } from 'zod';
import { toRfc3339 } from '../run-view.ts';
import { writableTriggerFieldsSchema } from './trigger-fields.ts';

/**
 * A webhook trigger as stored at `agents/{agent}/triggers/{id}`: the caller-written fields, who
 * created it (the user its runs are for), and the creation time of the agent it was created on, so
 * a trigger left behind by a deleted agent never starts runs of a new agent of the same name.
 * Times are epoch milliseconds here, Timestamps on disk, RFC 3339 on the API.
 */
export const triggerRecordSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string(),
  agent: z.string(),
  creator: z.string(),
  agentCreateTime: z.number(),
  fields: writableTriggerFieldsSchema,
  createTime: z.number(),
  updateTime: z.number(),
});
export type TriggerRecord = z.infer<typeof triggerRecordSchema>;

/** Whether a trigger starts runs: enabled unless `enabled: false`. */
export function isTriggerEnabled(record: TriggerRecord): boolean {
  return record.fields.enabled !== false;
}

/** The Trigger resource as the API returns it: secret version names only, never a secret's value. */
export function toTriggerJson(record: TriggerRecord): Record<string, unknown> {
  return {
    name: record.name,
    ...record.fields,
    enabled: isTriggerEnabled(record),
    creator: record.creator,
    createTime: toRfc3339(record.createTime),
    updateTime: toRfc3339(record.updateTime),
  };
}
