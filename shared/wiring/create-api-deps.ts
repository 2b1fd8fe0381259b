import type { BatchPolicy } from '../domain/batches/batch-spec.ts';
import { randomUUID } from 'node:crypto';
import { CloudSchedulerClient } from '@google-cloud/scheduler';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { CloudSchedulerJobs } from '../adapters/cloud-scheduler/cloud-scheduler-jobs.ts';
import { FirestoreLocalSchedulerJobs } from '../adapters/firestore/firestore-local-scheduler-jobs.ts';
import type { SchedulerJobs } from '../ports/scheduler-jobs.ts';
import { SecretManagerWebhookSecrets } from '../adapters/secret-manager/secret-manager-webhook-secrets.ts';
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { topology } from '../../infra/topology.ts';
import { PubSubSubmissionPublisher } from '../adapters/pubsub/pubsub-submission-publisher.ts';
import { FirestoreAgentRegistry } from '../adapters/firestore/firestore-agent-registry.ts';
import { FirestoreBatchStore } from '../adapters/firestore/firestore-batch-store.ts';
import { fetchAgentCard } from '../adapters/http/fetch-agent-card.ts';
import { fetchOpenApiDocument } from '../adapters/http/fetch-openapi-document.ts';
import { toolCredentialsOf } from './tool-credentials-of.ts';
import { createGuardedFetch } from '../adapters/http/guarded-fetch.ts';
import type { ApiDeps } from '../agents-api/api-deps.ts';
import type { DeploymentChecks } from '../agents-api/decide-deployment.ts';
import { createPageTokenCodec } from '../domain/agents/page-token.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { FirestoreLocalWebhookSecrets } from '../adapters/firestore/firestore-local-webhook-secrets.ts';
import type { WebhookSecrets } from '../ports/webhook-secrets.ts';
import type { Deps } from '../engine/deps.ts';
import { builtinToolNames } from '../tools/builtin-tools.ts';
import type { Config } from './load-config.ts';
import { createAuthenticator, localAuthSecret } from './create-authenticator.ts';
import { retentionFromConfig } from './step-settings-from-config.ts';
import { mcpFetchOptions, outboundFetchOptions } from './outbound-fetch-options.ts';

type RegistryBase = Pick<Deps, 'store' | 'outbox' | 'queue' | 'agents' | 'clock' | 'logger' | 'callbacks'> & { firestore: Firestore };

/** What the deploy worker runs on: the registry, the outbox and the deployment checks. */
export type DeployWorkerDeps = Pick<ApiDeps, 'registry' | 'queue' | 'outbox' | 'clock' | 'logger'> &
  DeploymentChecks &
  Pick<Deps, 'store'> & { close(): Promise<void> };

/**
 * The composition root of the deploy worker, on top of the pipeline's Google deps. It reads no
 * caller credentials and no page-token key: only the agents API is given the key.
 */
export function createDeployWorkerDeps(config: Config, base: RegistryBase): DeployWorkerDeps {
  const guarded = createGuardedFetch(outboundFetchOptions(config));
  const mcpFetch = createGuardedFetch(mcpFetchOptions(config));
  return {
    registry: new FirestoreAgentRegistry(base.firestore, retentionFromConfig(config)),
    store: base.store,
    agents: base.agents,
    queue: base.queue,
    outbox: base.outbox,
    clock: base.clock,
    logger: base.logger,
    availableTools: builtinToolNames,
    fetchAgentCard: (uri) => fetchAgentCard(uri, guarded.fetch),
    fetchOpenApiDocument: (url) => fetchOpenApiDocument(url, guarded.fetch),
    mcp: { fetch: mcpFetch.fetch, credentials: toolCredentialsOf(config, base.firestore), allowStdio: config.AGENTLINE_MCP_STDIO },
    close: async () => void (await Promise.all([guarded.close(), mcpFetch.close()])),
  };
}

/**
 * The composition root of the agents API: the deploy worker's deps plus the authenticator, the
 * page-token key, where agents may be created, and the runs API's store and the trusted
 * submissions topic (the API starts runs for the callers it verified). Throws one
 * InvalidInputError when the auth settings are incomplete.
 */
export function createApiDeps(config: Config, base: RegistryBase & Pick<Deps, 'artifacts'> & { pubsub: PubSub }): ApiDeps & DeployWorkerDeps {
  return {
    ...createDeployWorkerDeps(config, base),
    runs: base.store,
    callbacks: base.callbacks,
    submissions: new PubSubSubmissionPublisher(base.pubsub, topology.trustedSubmissionsTopic),
    authenticator: createAuthenticator(config),
    pageTokens: createPageTokenCodec(pageTokenSecret(config)),
    agentCreation: { parents: agentParents(config), maxAgentsPerUser: config.AGENTLINE_MAX_AGENTS_PER_USER },
    newId: randomUUID,
    webhookSecrets: webhookSecretsOf(config, base.firestore),
    batches: new FirestoreBatchStore(base.firestore, retentionFromConfig(config)),
    batchPolicy: batchPolicyOf(config),
    ...(base.artifacts ? { artifacts: base.artifacts } : {}),
  };
}

/**
 * Deployed, webhook secrets come from Secret Manager: this project's secrets named with
 * AGENTLINE_WEBHOOK_SECRET_PREFIX, the only ones Terraform lets the API read. Local secrets are
 * never used deployed: whoever can write Firestore could then forge any trigger's deliveries.
 */
/**
 * Deployed, schedules' jobs are Cloud Scheduler jobs in AGENTLINE_SCHEDULER_LOCATION; locally
 * they are documents of the stack's Firestore, ticked by the stack's own clock.
 */
export function schedulerJobsOf(config: Config, firestore: Firestore): SchedulerJobs {
  if (config.AGENTLINE_AUTH === 'local') return new FirestoreLocalSchedulerJobs(firestore);
  if (!config.AGENTLINE_SCHEDULER_LOCATION) {
    throw new InvalidInputError('Invalid environment: AGENTLINE_SCHEDULER_LOCATION is required when AGENTLINE_AUTH=google (projects/PROJECT/locations/LOCATION of the schedules\' Cloud Scheduler jobs)');
  }
  return new CloudSchedulerJobs(new CloudSchedulerClient(), {
    locationPath: config.AGENTLINE_SCHEDULER_LOCATION,
    topicName: `projects/${config.GOOGLE_CLOUD_PROJECT}/topics/${topology.scheduleFiresTopic}`,
  });
}

function webhookSecretsOf(config: Config, firestore: Firestore): WebhookSecrets {
  if (config.AGENTLINE_AUTH === 'local') return new FirestoreLocalWebhookSecrets(firestore);
  return new SecretManagerWebhookSecrets(new SecretManagerServiceClient(), {
    project: config.GOOGLE_CLOUD_PROJECT,
    secretIdPrefix: config.AGENTLINE_WEBHOOK_SECRET_PREFIX,
  });
}

/**
 * The engine the README's examples, the CLI's and the local stack's tests create agents under.
 * Only a local deployment falls back to it: a production one serves the engines it names.
 */
export const localAgentParent = 'projects/p/locations/global/collections/default_collection/engines/e';

function agentParents(config: Config): readonly string[] {
  if (config.AGENTLINE_AGENT_PARENTS) return config.AGENTLINE_AGENT_PARENTS;
  if (config.AGENTLINE_AUTH === 'local') return [localAgentParent];
  throw new InvalidInputError('Invalid environment: AGENTLINE_AGENT_PARENTS is required when AGENTLINE_AUTH=google (the engines agents may be created under)');
}

/** Every instance must share the key, so production sets it; locally the auth secret serves. */
function pageTokenSecret(config: Config): string {
  if (config.AGENTLINE_PAGE_TOKEN_SECRET) return config.AGENTLINE_PAGE_TOKEN_SECRET;
  if (config.AGENTLINE_AUTH === 'local') return localAuthSecret(config);
  throw new InvalidInputError('Invalid environment: AGENTLINE_PAGE_TOKEN_SECRET is required when AGENTLINE_AUTH=google');
}

/** Where batches may read items from (a local stack: its files and any bucket), and whether their callbacks may be http. */
export function batchPolicyOf(config: Config): BatchPolicy {
  return {
    ...(config.AGENTLINE_AUTH === 'local' ? { localFiles: true, buckets: 'any' as const } : { localFiles: false, buckets: config.AGENTLINE_BATCH_BUCKETS ?? [] }),
    httpCallbacks: config.AGENTLINE_OUTBOUND_ALLOW_LOOPBACK,
  };
}
