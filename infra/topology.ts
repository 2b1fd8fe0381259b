import { z } from 'zod';
import { stepKindSchema } from '../shared/domain/step.ts';
import type { OutboxTopic, StepKind } from '../shared/domain/step.ts';
import topologyJson from './topology.json' with { type: 'json' };

// Pub/Sub's own limits, so a bad value fails here rather than at `terraform apply`.
const resourceName = z.string().regex(/^[a-zA-Z][-a-zA-Z0-9_.~+%]{2,254}$/, 'must be a Pub/Sub resource name');
// Cloud Functions 2nd gen names become Cloud Run service names: lowercase, 63 characters.
const deployName = z.string().regex(/^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/, 'must be lowercase kebab-case');

const functionSchema = z.strictObject({
  /** The name the code registers with functions-framework; also the Cloud Functions entry point. */
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/),
  deployName,
  memoryMb: z.number().int().min(128).max(32768),
  timeoutSeconds: z.number().int().min(1).max(540),
  /**
   * The HTTP API (agentsApi): reachable from outside, not through a push subscription, and
   * deployed as a Cloud Run service of its own rather than a function (infra/api-service.tf).
   */
  http: z.boolean().optional(),
});

const subscriptionSchema = z.strictObject({
  name: resourceName,
  topic: resourceName,
  /** Function (by registered name) the subscription pushes to. */
  function: z.string(),
  ackDeadlineSeconds: z.number().int().min(10).max(600),
  retryPolicy: z
    .strictObject({
      minimumBackoffSeconds: z.number().min(0).max(600),
      maximumBackoffSeconds: z.number().min(0).max(600),
    })
    .refine((policy) => policy.minimumBackoffSeconds <= policy.maximumBackoffSeconds, 'minimum backoff exceeds maximum'),
  /** Null only on the dead-letter topic's own subscription, which must not dead-letter into itself. */
  deadLetterPolicy: z.strictObject({ topic: resourceName, maxDeliveryAttempts: z.number().int().min(5).max(100) }).nullable(),
});

/** A Cloud Scheduler job that publishes `data` to `topic` on a cron schedule (the local stack keeps its own timer). */
const scheduleSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,500}$/),
  cron: z.string().min(9),
  timeZone: z.string().min(1),
  topic: resourceName,
  data: z.record(z.string(), z.unknown()),
});

const queueSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9-]{1,100}$/),
  maxDispatchesPerSecond: z.number().positive().max(500),
  maxConcurrentDispatches: z.number().int().positive().max(5000),
});

/** The one deployment topology, shared by the local stack and Terraform (`infra/main.tf`). */
export const topologySchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    submissionsTopic: resourceName,
    /**
     * Submissions whose publishers may assert any user without a token: only the service
     * identities in Terraform's `trusted_submitters` may publish here, so the topic's IAM is the
     * boundary (docs/architecture.md, "Trust boundaries"). Consumed by submitTrustedRun.
     */
    trustedSubmissionsTopic: resourceName,
    resultsTopic: resourceName,
    deadLetterTopic: resourceName,
    /** Carries "an agent's lifecycle changed" (published by the registry), consumed by resumeAgentRuns. */
    agentLifecycleTopic: resourceName,
    agentDeployTopic: resourceName,
    /** Carries run control requests (cancellation), consumed by controlRun. */
    runControlTopic: resourceName,
    /** Carries sweep requests (Cloud Scheduler every minute), consumed by sweep. */
    sweepTopic: resourceName,
    /** Carries "deliver this ended run's result callback" (and its delayed retries), consumed by deliverCallback. */
    callbackTopic: resourceName,
    /** Carries "look at this schedule now" (its Cloud Scheduler job's ticks, resumes), consumed by fireSchedule. */
    scheduleFiresTopic: resourceName,
    /** Carries "bring this schedule's Cloud Scheduler job in line", consumed by syncScheduleJob. */
    scheduleSyncTopic: resourceName,
    /** Carries "read the next chunk of this batch's source", consumed by fanOutBatch. */
    batchFanOutTopic: resourceName,
    /** Carries "this batch item's run ended", consumed by advanceBatch. */
    batchItemsTopic: resourceName,
    stepTopics: z.record(stepKindSchema, resourceName),
    topics: z.array(resourceName),
    functions: z.array(functionSchema),
    subscriptions: z.array(subscriptionSchema),
    queues: z.strictObject({ delay: queueSchema, modelDispatch: queueSchema }),
    jobs: z.strictObject({
      codeExec: z.strictObject({
        name: deployName,
        timeoutSeconds: z.number().int().positive(),
        maxRetries: z.number().int().min(0).max(10),
        memory: z.string(),
        cpu: z.string(),
      }),
    }),
    /** Cloud Run services the functions call (infra/main.tf); the HTTP API is an entry of `functions` instead. */
    services: z.strictObject({
      /**
       * The browser service (jobs/browser, docs/architecture.md "Browser"): `concurrency` calls per
       * instance at once (1: two calls never share a browser), each answered within `timeoutSeconds`.
       */
      browser: z.strictObject({
        name: deployName,
        timeoutSeconds: z.number().int().min(1).max(3600),
        concurrency: z.number().int().min(1).max(1000),
        memory: z.string(),
        cpu: z.string(),
      }),
    }),
    schedules: z.strictObject({ sweep: scheduleSchema }),
    /** Firestore TTL policies: the field and the collection groups whose documents expire (docs/architecture.md, "Retention"). */
    firestore: z.strictObject({ ttlField: z.string().min(1), ttlCollectionGroups: z.array(z.string().min(1)).min(1) }),
  })
  .superRefine((topology, context) => {
    const problem = (message: string, path: PropertyKey[]) => context.addIssue({ code: 'custom', message, path });
    const topics = new Set(topology.topics);
    if (topics.size !== topology.topics.length) problem('topics are not unique', ['topics']);
    const referenced = [
      topology.submissionsTopic,
      topology.resultsTopic,
      topology.deadLetterTopic,
      topology.agentLifecycleTopic,
      topology.agentDeployTopic,
      topology.runControlTopic,
      topology.sweepTopic,
      topology.callbackTopic,
      topology.scheduleFiresTopic,
      topology.scheduleSyncTopic,
      topology.batchFanOutTopic,
      topology.batchItemsTopic,
      topology.schedules.sweep.topic,
      ...Object.values(topology.stepTopics),
    ];
    for (const topic of referenced) if (!topics.has(topic)) problem(`topic ${topic} is not listed in topics`, ['topics']);
    const functions = new Map(topology.functions.map((fn) => [fn.name, fn]));
    topology.subscriptions.forEach((subscription, index) => {
      const path = ['subscriptions', index];
      if (!topics.has(subscription.topic)) problem(`unknown topic ${subscription.topic}`, [...path, 'topic']);
      const target = functions.get(subscription.function);
      if (!target) problem(`unknown function ${subscription.function}`, [...path, 'function']);
      // A push still running when the ack deadline passes is delivered again, concurrently.
      else if (subscription.ackDeadlineSeconds < target.timeoutSeconds) {
        problem(`ack deadline is shorter than ${target.name}'s timeout`, [...path, 'ackDeadlineSeconds']);
      }
      const onDeadLetterTopic = subscription.topic === topology.deadLetterTopic;
      if (onDeadLetterTopic && subscription.deadLetterPolicy) problem('the dead-letter subscription must not dead-letter', path);
      if (!onDeadLetterTopic && subscription.deadLetterPolicy?.topic !== topology.deadLetterTopic) {
        problem(`must dead-letter to ${topology.deadLetterTopic}`, [...path, 'deadLetterPolicy']);
      }
    });
  });

export type Topology = z.infer<typeof topologySchema>;
export type TopologySubscription = Topology['subscriptions'][number];
export type TopologyFunction = Topology['functions'][number];

/** Validates a topology document; throws a ZodError naming every problem. */
export function loadTopology(raw: unknown): Topology {
  return topologySchema.parse(raw);
}

/** The checked-in topology (`infra/topology.json`), validated once at import. */
export const topology: Topology = loadTopology(topologyJson);

/** The topic that carries steps of `kind`. */
export function topicForStepKind(kind: StepKind, from: Topology = topology): string {
  return from.stepTopics[kind];
}

/** The topic an outbox message addressed to `target` is published on. */
export function topicForOutbox(target: OutboxTopic, from: Topology = topology): string {
  if (target === 'results') return from.resultsTopic;
  if (target === 'agent-lifecycle') return from.agentLifecycleTopic;
  if (target === 'agent-deploy') return from.agentDeployTopic;
  if (target === 'run-control') return from.runControlTopic;
  if (target === 'callback') return from.callbackTopic;
  if (target === 'trusted-submissions') return from.trustedSubmissionsTopic;
  if (target === 'schedule-fire') return from.scheduleFiresTopic;
  if (target === 'schedule-sync') return from.scheduleSyncTopic;
  if (target === 'batch-fan-out') return from.batchFanOutTopic;
  if (target === 'batch-item') return from.batchItemsTopic;
  return from.stepTopics[target];
}

/** Registered names of the functions that Pub/Sub pushes to, in topology order. */
export function pushedFunctionNames(from: Topology = topology): string[] {
  return [...new Set(from.subscriptions.map((subscription) => subscription.function))];
}

/** The push subscription that feeds `functionName`; undefined when nothing pushes to it. */
export function subscriptionForFunction(functionName: string, from: Topology = topology): TopologySubscription | undefined {
  return from.subscriptions.find((subscription) => subscription.function === functionName);
}
