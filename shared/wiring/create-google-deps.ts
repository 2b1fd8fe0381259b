import { Firestore } from '@google-cloud/firestore';
import { FirestoreModelQuota } from '../adapters/firestore/firestore-model-quota.ts';
import { parseModelQuotas } from '../domain/quota/model-quotas.ts';
import { PubSub } from '@google-cloud/pubsub';
import { CloudTasksClient } from '@google-cloud/tasks';
import { GoogleGenAI } from '@google/genai';
import { topicForOutbox } from '../../infra/topology.ts';
import { CloudTasksDelayQueue } from '../adapters/cloud-tasks/cloud-tasks-delay-queue.ts';
import { FirestoreCallbackStore } from '../adapters/firestore/firestore-callback-store.ts';
import { FirestoreAgentCatalog } from '../adapters/firestore/firestore-agent-catalog.ts';
import { FirestoreOutboxStore } from '../adapters/firestore/firestore-outbox-store.ts';
import { FirestoreRunStore } from '../adapters/firestore/firestore-run-store.ts';
import { GenAiModelClient } from '../adapters/genai/genai-model-client.ts';
import { genAiOptionsFromEnv } from '../adapters/genai/genai-options.ts';
import { LocalDelayQueue } from '../adapters/local/local-delay-queue.ts';
import { PubSubStepQueue } from '../adapters/pubsub/pubsub-step-queue.ts';
import { systemClock } from '../ports/clock.ts';
import { createJsonLogger, silentLogger, type Logger } from '../ports/logger.ts';
import type { DelayQueue, StepQueue } from '../ports/step-queue.ts';
import type { Deps } from '../engine/deps.ts';
import { A2aRemoteAgentClient } from '../adapters/a2a/a2a-remote-agent-client.ts';
import { createGuardedFetch } from '../adapters/http/guarded-fetch.ts';
import { mcpFetchOptions, outboundFetchOptions } from './outbound-fetch-options.ts';
import { builtinTools } from '../tools/builtin-tools.ts';
import { createRenderChartTool } from '../tools/render-chart/render-chart-tool.ts';
import { createExecuteCodeTool } from '../tools/execute-code/execute-code-tool.ts';
import { createBrowseTool } from '../tools/browse/browse-tool.ts';
import { createBrowser } from './create-browser.ts';
import { createArtifactStore, createCodeExecution } from './create-code-execution.ts';
import { createLazyModelClient } from './lazy-model-client.ts';
import type { Config } from './load-config.ts';
import { createAuthenticator } from './create-authenticator.ts';
import type { Authenticator } from '../ports/authenticator.ts';
import { retentionFromConfig, stepSettingsFromConfig } from './step-settings-from-config.ts';
import { createOpenApiCaller } from '../tools/openapi/call-operation.ts';
import { toolCredentialsOf } from './tool-credentials-of.ts';

/**
 * The composition root for the Google-backed pipeline: the one place GCP clients are built.
 * Emulator hosts (PUBSUB_EMULATOR_HOST, FIRESTORE_EMULATOR_HOST) and model settings are read by
 * the client libraries themselves, as each documents.
 */
export function createGoogleDeps(
  config: Config,
  env: Record<string, string | undefined> = process.env,
  /** `verifiesSubmissions`: the functions' own deps, whose auth settings must be complete from the start. */
  options: { verifiesSubmissions?: boolean } = {},
): Deps & { firestore: Firestore; pubsub: PubSub; close(): Promise<void> } {
  const firestore = new Firestore({
    projectId: config.GOOGLE_CLOUD_PROJECT,
    databaseId: config.FIRESTORE_DATABASE_ID,
    ignoreUndefinedProperties: true,
  });
  const pubsub = new PubSub({ projectId: config.GOOGLE_CLOUD_PROJECT });
  const logger = createLogger(config);
  const queue = new PubSubStepQueue(pubsub, (topic) => topicForOutbox(topic));
  const delayQueue = createDelayQueue(config, queue, logger);
  const outbound = createGuardedFetch(outboundFetchOptions(config));
  const mcpFetch = createGuardedFetch(mcpFetchOptions(config));
  const artifacts = createArtifactStore(config);
  return {
    firestore,
    pubsub,
    store: new FirestoreRunStore(firestore, retentionFromConfig(config)),
    outbox: new FirestoreOutboxStore(firestore),
    callbacks: new FirestoreCallbackStore(firestore, retentionFromConfig(config)),
    queue,
    delayQueue,
    remoteAgents: new A2aRemoteAgentClient(outbound.fetch),
    model: createLazyModelClient(
      () => new GenAiModelClient(new GoogleGenAI(genAiOptionsFromEnv(env)), { requestTimeoutMs: modelRequestTimeoutMs(config) }),
    ),
    agents: new FirestoreAgentCatalog(firestore),
    clock: systemClock,
    ...(config.AGENTLINE_MODEL_QUOTAS ? { quota: new FirestoreModelQuota(firestore, parseModelQuotas(config.AGENTLINE_MODEL_QUOTAS)) } : {}),
    tools: [...builtinTools, createExecuteCodeTool(createCodeExecution(config, artifacts, env)), createRenderChartTool(artifacts), createBrowseTool(createBrowser(config), artifacts)],
    openApi: createOpenApiCaller({ fetch: outbound.fetch, credentials: toolCredentialsOf(config, firestore) }),
    mcp: { fetch: mcpFetch.fetch, credentials: toolCredentialsOf(config, firestore), allowStdio: config.AGENTLINE_MCP_STDIO },
    ...(artifacts ? { artifacts } : {}),
    logger,
    settings: stepSettingsFromConfig(config),
    authenticator: options.verifiesSubmissions ? createAuthenticator(config) : lazyAuthenticator(config),
    async close() {
      await Promise.allSettled([delayQueue.close(), firestore.terminate(), pubsub.close(), outbound.close(), mcpFetch.close()]);
    },
  };
}

/**
 * For clients that never verify a token (the CLI's), which then need no auth settings: built on
 * first use. A missing setting is the deployment's fault, not the message's, so it is thrown as a
 * plain error (redelivered, in the end dead-lettered), never recorded as the submission's refusal.
 */
function lazyAuthenticator(config: Config): Authenticator {
  let authenticator: Authenticator | undefined;
  return {
    authenticate(header, options) {
      try {
        authenticator ??= createAuthenticator(config);
      } catch (error) {
        throw new Error(`Cannot verify submission tokens: ${(error as Error).message}`, { cause: error });
      }
      return authenticator.authenticate(header, options);
    },
  };
}

function createDelayQueue(config: Config, queue: StepQueue, logger: Logger): DelayQueue & { close(): void | Promise<void> } {
  if (config.AGENTLINE_DELAY_QUEUE === 'local') {
    return new LocalDelayQueue(queue, (error) => logger.error('delayed publish failed', { error: String(error) }));
  }
  const client = new CloudTasksClient();
  const delayQueue = new CloudTasksDelayQueue(client, {
    queuePath: config.AGENTLINE_TASKS_QUEUE,
    // The task calls Pub/Sub's REST API, which needs the full topic name.
    topicName: (topic) => `projects/${config.GOOGLE_CLOUD_PROJECT}/topics/${topicForOutbox(topic)}`,
    serviceAccountEmail: config.AGENTLINE_TASKS_SERVICE_ACCOUNT,
    clock: systemClock,
  });
  return { schedule: (message, delayMs, key) => delayQueue.schedule(message, delayMs, key), close: () => client.close() };
}

function createLogger(config: Config): Logger {
  if (config.AGENTLINE_LOG_LEVEL === 'silent') return silentLogger;
  const logger = createJsonLogger();
  if (config.AGENTLINE_LOG_LEVEL === 'info') return logger;
  const quiet = () => {};
  return config.AGENTLINE_LOG_LEVEL === 'warn' ? { ...logger, info: quiet } : { ...logger, info: quiet, warn: quiet };
}

/** A model request ends well inside the model step's lease (ten seconds early, at least 5 s long). */
function modelRequestTimeoutMs(config: Config): number {
  return Math.max(5_000, config.AGENTLINE_MODEL_LEASE_SECONDS * 1000 - 10_000);
}
