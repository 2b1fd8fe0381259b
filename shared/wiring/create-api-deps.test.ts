import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryAgentCatalog } from '../adapters/in-memory/in-memory-agent-catalog.ts';
import { InMemoryDocuments } from '../adapters/in-memory/in-memory-documents.ts';
import { InMemoryOutboxStore } from '../adapters/in-memory/in-memory-outbox-store.ts';
import { InMemoryRunStore } from '../adapters/in-memory/in-memory-run-store.ts';
import { InMemoryStepQueue } from '../adapters/in-memory/in-memory-step-queue.ts';
import { systemClock } from '../ports/clock.ts';
import { silentLogger } from '../ports/logger.ts';
import { createApiDeps, createDeployWorkerDeps } from './create-api-deps.ts';
import { loadConfig } from './load-config.ts';
import { InMemoryCallbackStore } from '../adapters/in-memory/in-memory-callback-store.ts';

// Production settings of the agents API, without the page-token key the deploy worker is not given.
const productionEnv = { AGENTLINE_AUTH: 'google', AGENTLINE_AUTH_AUDIENCE: 'https://api.example', AGENTLINE_AGENT_PARENTS: 'projects/p/locations/global/collections/default_collection/engines/e' };
const productionWithoutKey = loadConfig(productionEnv);

function base() {
  const documents = new InMemoryDocuments();
  return {
    // Constructing clients connects nowhere; these tests never call them.
    pubsub: new PubSub({ projectId: 'unit-test' }),
    store: new InMemoryRunStore(documents),
    callbacks: new InMemoryCallbackStore(documents),
    outbox: new InMemoryOutboxStore(documents),
    queue: new InMemoryStepQueue(),
    agents: new InMemoryAgentCatalog(documents),
    clock: systemClock,
    logger: silentLogger,
    // Constructing the client opens no connection.
    firestore: new Firestore({ projectId: 'agentline-test' }),
  };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => void (await Promise.all(closers.splice(0).map((close) => close()))));

describe('the agent registry composition roots', () => {
  it('build the deploy worker without a page-token key', () => {
    const deps = createDeployWorkerDeps(productionWithoutKey, base());
    closers.push(() => deps.close());
    expect(deps).not.toHaveProperty('pageTokens');
    expect(deps).not.toHaveProperty('authenticator');
  });

  it('refuse to build the agents API without its page-token key, naming the variable', () => {
    expect(() => createApiDeps(productionWithoutKey, base())).toThrow(/AGENTLINE_PAGE_TOKEN_SECRET is required/);
  });

  it('build the agents API with the key', () => {
    const deps = createApiDeps(loadConfig({ ...productionEnv, AGENTLINE_PAGE_TOKEN_SECRET: 'k'.repeat(32) }), base());
    closers.push(() => deps.close());
    expect(deps.pageTokens).toBeDefined();
  });
});

