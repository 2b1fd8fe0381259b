import { z } from 'zod';
import { toRfc3339 } from '../run-view.ts';

export const operationMetadataType = 'type.googleapis.com/agentline.v1.AgentOperationMetadata';
export const agentType = 'type.googleapis.com/google.cloud.discoveryengine.v1alpha.Agent';
export const emptyType = 'type.googleapis.com/google.protobuf.Empty';

/**
 * A long-running operation (AIP-151) as stored at `operations/{encodeURIComponent(name)}`.
 * Deploys are named `{agent}/operations/{id}`, deletes `projects/{p}/locations/{l}/operations/{id}`
 * (the agent is gone). `error` is a google.rpc.Status with its numeric code.
 */
export const operationRecordSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string(),
  verb: z.enum(['deploy', 'delete']),
  /** The agent the operation acts on. */
  target: z.string(),
  /** Who started it; with the agent's creator and admins, who may read it. */
  requester: z.string(),
  agentCreator: z.string(),
  /** Deploy only: finish in PRIVATE instead of ENABLED. */
  deployPrivate: z.boolean().optional(),
  done: z.boolean(),
  error: z
    .object({ code: z.number().int(), message: z.string(), details: z.array(z.record(z.string(), z.unknown())) })
    .optional(),
  response: z.record(z.string(), z.unknown()).optional(),
  /** Deploy only: deliveries that failed with an error that may pass, and the last such error. */
  failedAttempts: z.number().int().optional(),
  lastError: z.string().optional(),
  createTime: z.number(),
  updateTime: z.number(),
});
export type OperationRecord = z.infer<typeof operationRecordSchema>;

/** The google.longrunning.Operation JSON a client polls. */
export function toOperationJson(operation: OperationRecord): Record<string, unknown> {
  return {
    name: operation.name,
    metadata: {
      '@type': operationMetadataType,
      verb: operation.verb,
      target: operation.target,
      ...(operation.failedAttempts ? { failedAttempts: operation.failedAttempts } : {}),
      ...(operation.lastError ? { lastError: operation.lastError } : {}),
      createTime: toRfc3339(operation.createTime),
      updateTime: toRfc3339(operation.updateTime),
    },
    done: operation.done,
    ...(operation.error ? { error: operation.error } : {}),
    ...(operation.response ? { response: operation.response } : {}),
  };
}
