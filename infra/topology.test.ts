import { describe, expect, it } from 'vitest';
import { stepKinds } from '../shared/domain/step.ts';
import { answerMarginMs } from '../shared/adapters/cloud-run/http-browser-client.ts';
import { browseLimits } from '../shared/browser/browse-request.ts';
import { expiringCollectionGroups } from '../shared/adapters/document-paths.ts';
import { expireTimeField } from '../shared/domain/retention.ts';
import { sweepMessageSchema } from '../shared/domain/sweep-message.ts';
import { callbackFunctionNames } from '../functions/register-callback-function.ts';
import { apiFunctionNames } from '../functions/register-api-functions.ts';
import { functionNames } from '../shared/wiring/create-step-handlers.ts';
import {
  loadTopology,
  pushedFunctionNames,
  subscriptionForFunction,
  topicForOutbox,
  topicForStepKind,
  topology,
} from './topology.ts';
import type { Topology } from './topology.ts';

function variant(change: (copy: Topology) => void): unknown {
  const copy = structuredClone(topology);
  change(copy);
  return copy;
}

describe('topology', () => {
  it('maps every step kind to its own topic', () => {
    expect(stepKinds.map((kind) => topicForStepKind(kind))).toEqual([
      'agentline-step-plan',
      'agentline-step-model',
      'agentline-step-tool',
      'agentline-step-memory',
    ]);
    expect(topicForOutbox('results')).toBe('agentline-run-results');
    expect(topicForOutbox('tool')).toBe('agentline-step-tool');
    expect(topicForOutbox('agent-lifecycle')).toBe('agentline-agent-lifecycle');
    expect(topicForOutbox('run-control')).toBe('agentline-run-control');
    expect(topicForOutbox('callback')).toBe('agentline-run-callbacks');
  });

  it('pushes every step topic and both submissions topics to a function, and nothing to run results', () => {
    expect(pushedFunctionNames()).toEqual(['submitRun', 'planStep', 'modelStep', 'toolStep', 'memoryStep', 'deadLetter', 'resumeAgentRuns', 'deployAgent', 'controlRun', 'sweep', 'submitTrustedRun', 'deliverCallback', 'fireSchedule', 'syncScheduleJob', 'fanOutBatch', 'advanceBatch']);
    const pushedTopics = topology.subscriptions.map((subscription) => subscription.topic);
    expect(pushedTopics).toEqual(
      expect.arrayContaining([topology.submissionsTopic, topology.trustedSubmissionsTopic, topology.agentLifecycleTopic, ...Object.values(topology.stepTopics)]),
    );
    expect(pushedTopics).not.toContain(topology.resultsTopic);
  });

  it('pushes to every Pub/Sub function the code registers, and to nothing else but the registry workers and the callback function', () => {
    expect([...pushedFunctionNames()].sort()).toEqual([...functionNames, ...apiFunctionNames, ...callbackFunctionNames].sort());
  });

  it('sweeps every minute by publishing a valid sweep message to the topic the sweeper is pushed from', () => {
    const { sweep } = topology.schedules;
    expect(sweep.cron).toBe('* * * * *');
    expect(sweep.topic).toBe(subscriptionForFunction('sweep')?.topic);
    expect(sweepMessageSchema.safeParse(sweep.data).success).toBe(true);
  });

  it('declares TTL policies on exactly the collection groups whose documents the stores stamp with an expiry time', () => {
    expect(topology.firestore.ttlField).toBe(expireTimeField);
    expect([...topology.firestore.ttlCollectionGroups].sort()).toEqual([...expiringCollectionGroups].sort());
  });

  it('lets the browser service answer the longest call the tool step waits for, within the tool step\'s own time', () => {
    const { browser } = topology.services;
    const longestWaitMs = browseLimits.callMs + answerMarginMs;
    expect(browser.timeoutSeconds * 1000).toBeGreaterThanOrEqual(longestWaitMs);
    expect(browser.timeoutSeconds).toBeLessThanOrEqual(topology.functions.find((fn) => fn.name === 'toolStep')!.timeoutSeconds);
  });

  it('dead-letters every subscription except the dead-letter topic’s own', () => {
    for (const subscription of topology.subscriptions) {
      const expected = subscription.topic === topology.deadLetterTopic ? null : topology.deadLetterTopic;
      expect(subscription.deadLetterPolicy?.topic ?? null).toBe(expected);
    }
  });

  it('gives the model step a longer ack deadline than the others', () => {
    expect(subscriptionForFunction('modelStep')?.ackDeadlineSeconds).toBe(120);
    expect(subscriptionForFunction('planStep')?.ackDeadlineSeconds).toBe(60);
    expect(subscriptionForFunction('nobody')).toBeUndefined();
  });

  it.each<[string, (copy: Topology) => void, string]>([
    ['an unknown function', (t) => void (t.subscriptions[0]!.function = 'ghost'), 'unknown function ghost'],
    ['an unlisted topic', (t) => void t.topics.splice(t.topics.indexOf('agentline-step-tool'), 1), 'agentline-step-tool is not listed'],
    ['a missing dead-letter policy', (t) => void (t.subscriptions[1]!.deadLetterPolicy = null), 'must dead-letter'],
    ['a dead-letter loop', (t) => void (t.subscriptions[5]!.deadLetterPolicy = { topic: 'agentline-dead-letter', maxDeliveryAttempts: 5 }), 'must not dead-letter'],
    ['an ack deadline shorter than the function timeout', (t) => void (t.subscriptions[2]!.ackDeadlineSeconds = 60), 'shorter than modelStep'],
    ['a backoff range upside down', (t) => void (t.subscriptions[0]!.retryPolicy.minimumBackoffSeconds = 20), 'minimum backoff exceeds maximum'],
    ['an uppercase deploy name', (t) => void (t.functions[0]!.deployName = 'submitRun'), 'lowercase kebab-case'],
    ['an unknown field', (t) => void Object.assign(t.subscriptions[0]!, { filter: 'x' }), 'Unrecognized key'],
  ])('refuses %s', (_name, change, message) => {
    expect(() => loadTopology(variant(change))).toThrow(message);
  });
});
