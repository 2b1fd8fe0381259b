import { describe, expect, it } from 'vitest';
import { InMemoryAgentCatalog } from '../adapters/in-memory/in-memory-agent-catalog.ts';
import { InMemoryAgentRegistry } from '../adapters/in-memory/in-memory-agent-registry.ts';
import { InMemoryDocuments } from '../adapters/in-memory/in-memory-documents.ts';
import { InMemoryOutboxStore } from '../adapters/in-memory/in-memory-outbox-store.ts';
import { InMemoryStepQueue } from '../adapters/in-memory/in-memory-step-queue.ts';
import { TransientError } from '../domain/errors.ts';
import { silentLogger } from '../ports/logger.ts';
import { sampleAgentRecord, sampleOperation } from '../testing/agent-fixtures.ts';
import { subscriptionForFunction } from '../../infra/topology.ts';
import { createDeployHandler, deployMaxFailedAttempts, deployRetryWindowMs } from './handle-deploy.ts';

const start = 1_700_000_000_000;

async function deployingRemoteAgent(registry: InMemoryAgentRegistry) {
  const record = sampleAgentRecord('remote', {
    state: 'DEPLOYING',
    definition: { kind: 'a2a', agentCard: {} },
    fields: { displayName: 'Remote', description: 'd', a2aAgentDefinition: { remoteAgentCard: { uri: 'https://cards.example/agent.json' } } },
  });
  const operation = sampleOperation(`${record.name}/operations/deploy-1`, { target: record.name, createTime: start });
  await registry.transact(async (tx) => {
    tx.createAgent({ ...record, deployOperation: operation.name });
    tx.putOperation(operation);
  });
  const delivery = { messageId: 'm1', data: Buffer.from(JSON.stringify({ schemaVersion: 1, operation: operation.name })), attributes: {}, source: 'agentline-agent-deploys' };
  return { record, operation, delivery };
}

/** A deploy worker over a fresh in-memory registry, with a remote A2A agent being deployed. */
async function deployWorld(now: () => number, fetchAgentCard: () => Promise<{ card: Record<string, unknown> }>) {
  const documents = new InMemoryDocuments();
  const registry = new InMemoryAgentRegistry(documents);
  const queue = new InMemoryStepQueue();
  const outbox = new InMemoryOutboxStore(documents);
  const handle = createDeployHandler({ registry, agents: new InMemoryAgentCatalog(documents), clock: { now }, logger: silentLogger, queue, outbox, availableTools: [], fetchAgentCard });
  return { registry, handle, ...(await deployingRemoteAgent(registry)) };
}

describe('the deploy worker', () => {
  it('retries a card server that is down, then fails the deploy with that reason once the retry window has passed', async () => {
    let now = start + 1_000;
    const { registry, handle, record, operation, delivery } = await deployWorld(
      () => now,
      async () => {
        throw new TransientError('Agent card at https://cards.example/agent.json is unavailable: HTTP 503');
      },
    );

    await expect(handle(delivery)).rejects.toBeInstanceOf(TransientError);
    expect((await registry.getAgentRecord(record.name))?.state).toBe('DEPLOYING');

    now = start + deployRetryWindowMs + 1;
    await handle(delivery);
    expect(await registry.getAgentRecord(record.name)).toMatchObject({
      state: 'DEPLOYMENT_FAILED',
      stateReason: { kind: 'deploymentFailureReason', message: expect.stringContaining('HTTP 503 (still failing 5 minutes after the deploy started)') },
    });
    expect((await registry.getOperation(operation.name))?.error).toEqual({
      code: 9,
      message: expect.stringMatching(/^Deployment failed: .*HTTP 503/),
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'DEPLOYMENT_FAILED', domain: 'agentline.dev', metadata: { agent: record.name } }],
    });
    expect((await registry.getOperation(operation.name))?.done).toBe(true);
  });

  it('gives up after repeated failures, before Pub/Sub dead-letters the message, so the agent never stays DEPLOYING', async () => {
    const { registry, handle, record, operation, delivery } = await deployWorld(
      () => start + 1_000,
      async () => {
        throw new TransientError('Request to https://cards.example failed: getaddrinfo ENOTFOUND cards.example');
      },
    );

    for (let attempt = 1; attempt < deployMaxFailedAttempts; attempt++) await expect(handle(delivery)).rejects.toBeInstanceOf(TransientError);
    expect(await registry.getOperation(operation.name)).toMatchObject({ done: false, failedAttempts: deployMaxFailedAttempts - 1, lastError: expect.stringContaining('ENOTFOUND') });

    await handle(delivery);
    expect(await registry.getAgentRecord(record.name)).toMatchObject({
      state: 'DEPLOYMENT_FAILED',
      stateReason: { message: expect.stringContaining(`ENOTFOUND cards.example (failed ${deployMaxFailedAttempts} times)`) },
    });
    expect(deployMaxFailedAttempts).toBeLessThan(subscriptionForFunction('deployAgent')!.deadLetterPolicy!.maxDeliveryAttempts);
  });

  it('does nothing for a redelivery of a finished operation', async () => {
    const { registry, handle, record, operation, delivery } = await deployWorld(
      () => start,
      async () => ({ card: { name: 'never fetched' } }),
    );
    await registry.transact(async (tx) => tx.putOperation({ ...operation, done: true }));
    await handle(delivery);
    expect((await registry.getAgentRecord(record.name))?.state).toBe('DEPLOYING');
  });
});
