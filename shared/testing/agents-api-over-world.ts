import { LocalTokenAuthenticator, mintLocalToken } from '../adapters/auth/local-token-authenticator.ts';
import { InMemoryAgentRegistry } from '../adapters/in-memory/in-memory-agent-registry.ts';
import { InMemoryWebhookSecrets } from '../adapters/in-memory/in-memory-webhook-secrets.ts';
import { createPageTokenCodec } from '../domain/agents/page-token.ts';
import { sampleParent } from './agent-fixtures.ts';
import type { StepQueue } from '../ports/step-queue.ts';
import type { WebhookSecrets } from '../ports/webhook-secrets.ts';
import type { SchedulerJobs } from '../ports/scheduler-jobs.ts';
import type { Clock } from '../ports/clock.ts';
import { InMemorySchedulerJobs } from '../adapters/in-memory/in-memory-scheduler-jobs.ts';
import { InMemoryBatchStore } from '../adapters/in-memory/in-memory-batch-store.ts';
import { createApiHandlers } from '../wiring/create-api-handlers.ts';
import { callApi } from './call-api.ts';
import type { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const secret = 'unit-test-secret-of-at-least-32-characters';

/**
 * The agents API and its deploy worker over an in-memory world's database and queue, called as
 * `userId`. `queue` replaces what the API publishes through (to lose or fail its publishes).
 * Resolves with the response body; throws on an error status.
 */
export function createAgentsApiOverWorld(world: ReturnType<typeof createInMemoryWorld>, options: { userId?: string; queue?: StepQueue } = {}) {
  const api = createApiHandlersOverWorld(world, options);
  world.queue.subscribe('agent-deploy', api.deployAgent);
  return async function call(method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const token = await mintLocalToken(secret, { userId: options.userId ?? 'ada' });
    const response = await callApi(api.api, { method, path: `/v1/${path}`, query, authorization: `Bearer ${token}`, body });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Record<string, unknown>;
  };
}

/** A local token the handlers of `createApiHandlersOverWorld` accept, for `userId`. */
export function tokenOverWorld(userId: string, admin = false): Promise<string> {
  return mintLocalToken(secret, { userId, admin });
}

/** The API's handlers over an in-memory world (deploys are not subscribed); `webhookSecrets` for triggers. */
export function createApiHandlersOverWorld(world: ReturnType<typeof createInMemoryWorld>, options: { queue?: StepQueue; webhookSecrets?: WebhookSecrets; schedulerJobs?: SchedulerJobs; clock?: Clock } = {}) {
  const { documents, agents, store, queue, outbox } = world;
  let ids = 0;
  return createApiHandlers({
    registry: new InMemoryAgentRegistry(documents),
    agents,
    store,
    runs: store,
    callbacks: world.deps.callbacks,
    submissions: { publish: () => Promise.reject(new Error('the runs API is not wired in this world')) },
    queue: options.queue ?? queue,
    outbox,
    authenticator: new LocalTokenAuthenticator(secret, []),
    pageTokens: createPageTokenCodec(secret),
    agentCreation: { parents: [sampleParent], maxAgentsPerUser: 100 },
    clock: options.clock ?? { now: () => Date.now() },
    newId: () => `id${ids++}`,
    logger: world.deps.logger,
    availableTools: ['calculator'],
    webhookSecrets: options.webhookSecrets ?? new InMemoryWebhookSecrets(),
    schedulerJobs: options.schedulerJobs ?? new InMemorySchedulerJobs(),
    batches: new InMemoryBatchStore(documents),
    batchPolicy: { localFiles: true, buckets: 'any', httpCallbacks: true },
    fetchAgentCard: async (uri) => {
      throw new Error(`no network in unit tests (${uri})`);
    },
    // MCP servers as the world's steps reach them (loopback test servers, stdio processes).
    ...(world.deps.mcp ? { mcp: world.deps.mcp } : {}),
  });
}
