import type { CallbackSubject } from '../domain/callback.ts';

/**
 * Where each record lives, the same in Firestore and in the in-memory store (docs/architecture.md,
 * "Data"). Sequence numbers are zero-padded so document ids sort in order.
 */
export const documentPaths = {
  runs: 'runs',
  run: (runId: string) => `runs/${runId}`,
  steps: (runId: string) => `runs/${runId}/steps`,
  step: (runId: string, stepId: string) => `runs/${runId}/steps/${stepId}`,
  events: (runId: string) => `runs/${runId}/events`,
  event: (runId: string, seq: number) => `runs/${runId}/events/${String(seq).padStart(9, '0')}`,
  /** The run's event stream (docs/architecture.md, "Run events"). */
  streamRecords: (runId: string) => `runs/${runId}/stream`,
  streamRecord: (runId: string, seq: number) => `runs/${runId}/stream/${String(seq).padStart(9, '0')}`,
  /** The run's one conversation checkpoint, replaced by every transition that appends events. */
  conversation: (runId: string) => `runs/${runId}/conversation/latest`,
  /** Whose a run created through the runs API is, until and after the submission step writes it. */
  runClaim: (runId: string) => `runClaims/${runId}`,
  join: (runId: string, turn: number) => `runs/${runId}/joins/${String(turn).padStart(6, '0')}`,
  /** Sessions live under their user: a session id alone never names one (docs/architecture.md, "Trust boundaries"). */
  sessionEntries: (userId: string, sessionId: string) => `users/${userId}/sessions/${sessionId}/entries`,
  sessionEntry: (userId: string, sessionId: string, runId: string) => `users/${userId}/sessions/${sessionId}/entries/${runId}`,
  memories: (userId: string) => `users/${userId}/memories`,
  memory: (userId: string, memoryId: string) => `users/${userId}/memories/${memoryId}`,
  rejection: (id: string) => `rejections/${id}`,
  outboxEntries: 'outbox',
  outbox: (id: string) => `outbox/${id}`,
  agent: (encodedName: string) => `agents/${encodedName}`,
  agents: () => 'agents',
  /** How many agents a user has created and not deleted (the per-user limit); the user id is URL-encoded. */
  agentCreator: (userId: string) => `agentCreators/${encodeURIComponent(userId)}`,
  /** Long-running operations; the name (which has slashes) is URL-encoded. */
  operation: (name: string) => `operations/${encodeURIComponent(name)}`,
  /** A user's grant of an authorization; the authorization name is URL-encoded. */
  authorizationGrant: (userId: string, authorization: string) =>
    `users/${userId}/authorizations/${encodeURIComponent(authorization)}`,
  authorizationGrants: (userId: string) => `users/${userId}/authorizations`,
  /** An agent's webhook triggers live under the agent's document. */
  triggers: (agentName: string) => `agents/${encodeAgentName(agentName)}/triggers`,
  trigger: (agentName: string, triggerId: string) => `agents/${encodeAgentName(agentName)}/triggers/${triggerId}`,
  /** A trigger's delivery records: create-once per delivery id when accepted, one per refusal. */
  deliveries: (agentName: string, triggerId: string) => `agents/${encodeAgentName(agentName)}/triggers/${triggerId}/deliveries`,
  delivery: (agentName: string, triggerId: string, id: string) => `agents/${encodeAgentName(agentName)}/triggers/${triggerId}/deliveries/${id}`,
  /** An agent's schedules, and under each the create-once record of every fire (docs/architecture.md, "Schedules"). */
  schedules: (agentName: string) => `agents/${encodeAgentName(agentName)}/schedules`,
  schedule: (agentName: string, scheduleId: string) => `agents/${encodeAgentName(agentName)}/schedules/${scheduleId}`,
  fires: (agentName: string, scheduleId: string) => `agents/${encodeAgentName(agentName)}/schedules/${scheduleId}/fires`,
  fire: (agentName: string, scheduleId: string, fireId: string) => `agents/${encodeAgentName(agentName)}/schedules/${scheduleId}/fires/${fireId}`,
  /** Batches, their lanes and their items (docs/architecture.md, "Batches"). */
  batches: 'batches',
  batch: (batchId: string) => `batches/${batchId}`,
  batchLanes: (batchId: string) => `batches/${batchId}/lanes`,
  batchLane: (batchId: string, lane: number) => `batches/${batchId}/lanes/${String(lane).padStart(3, '0')}`,
  batchItems: (batchId: string) => `batches/${batchId}/items`,
  batchItem: (batchId: string, index: number) => `batches/${batchId}/items/${String(index).padStart(9, '0')}`,
  /** The delivery of a run's or a batch's result callback (docs/architecture.md, "Result callbacks"). */
  callbackOf: (subject: CallbackSubject) => (subject.kind === 'run' ? `runs/${subject.id}/callback/state` : `batches/${subject.id}/callback/state`),
  /** The model quota's counters, one document per (model, window, shard), and what a 429 blocks (docs/architecture.md, "Model quota"). */
  quotaWindowShard: (model: string, windowStart: number, shard: number) => `quotaWindows/${encodeURIComponent(model)}-${windowStart}-${shard}`,
  modelQuota: (model: string) => `modelQuotas/${encodeURIComponent(model)}`,
  /** The local stack's stand-in for Cloud Scheduler jobs, by job id. */
  localSchedulerJob: (jobId: string) => `localSchedulerJobs/${jobId}`,
  localSchedulerJobs: 'localSchedulerJobs',
};

/** Agent resource names contain slashes; a document id may not. */
export function encodeAgentName(name: string): string {
  return encodeURIComponent(name);
}

/**
 * The collection groups whose documents carry `expireTime` and are deleted by Firestore's TTL
 * policies (infra/topology.json `firestore.ttlCollectionGroups` declares the same list).
 */
export const expiringCollectionGroups = ['runs', 'steps', 'events', 'conversation', 'joins', 'outbox', 'rejections', 'callback', 'deliveries', 'stream', 'runClaims', 'fires', 'quotaWindows'] as const;
