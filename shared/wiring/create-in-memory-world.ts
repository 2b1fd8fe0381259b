import { InMemoryAgentCatalog } from '../adapters/in-memory/in-memory-agent-catalog.ts';
import { InMemoryModelQuota } from '../adapters/in-memory/in-memory-model-quota.ts';
import type { ModelQuotas } from '../domain/quota/model-quotas.ts';
import { InMemoryDocuments } from '../adapters/in-memory/in-memory-documents.ts';
import { InMemoryCallbackStore } from '../adapters/in-memory/in-memory-callback-store.ts';
import { HttpCallbackSender } from '../adapters/http/http-callback-sender.ts';
import { InMemoryOutboxStore } from '../adapters/in-memory/in-memory-outbox-store.ts';
import { InMemoryRunStore } from '../adapters/in-memory/in-memory-run-store.ts';
import { InMemoryStepQueue } from '../adapters/in-memory/in-memory-step-queue.ts';
import { LocalDelayQueue } from '../adapters/local/local-delay-queue.ts';
import { isTerminal, type Run } from '../domain/run.ts';
import { deriveRunId, type Submission } from '../domain/submission.ts';
import type { Clock } from '../ports/clock.ts';
import { systemClock } from '../ports/clock.ts';
import { silentLogger, type Logger } from '../ports/logger.ts';
import type { ModelClient } from '../ports/model-client.ts';
import { builtinTools } from '../tools/builtin-tools.ts';
import { createRenderChartTool } from '../tools/render-chart/render-chart-tool.ts';
import { createExecuteCodeTool, type CodeExecutionSetup } from '../tools/execute-code/execute-code-tool.ts';
import { createBrowseTool } from '../tools/browse/browse-tool.ts';
import type { BrowserService } from '../ports/browser-service.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { A2aRemoteAgentClient } from '../adapters/a2a/a2a-remote-agent-client.ts';
import { createGuardedFetch } from '../adapters/http/guarded-fetch.ts';
import type { RemoteAgentClient } from '../ports/remote-agent-client.ts';
import type { Tool } from '../tools/tool.ts';
import { createOpenApiCaller } from '../tools/openapi/call-operation.ts';
import type { ToolCredentials } from '../ports/tool-credentials.ts';
import { InMemoryToolCredentials } from '../adapters/in-memory/in-memory-tool-credentials.ts';
import { defaultStepSettings, type Deps, type StepSettings } from '../engine/deps.ts';
import { createStepHandlers } from './create-step-handlers.ts';
import { createCallbackFunction } from './create-callback-deps.ts';
import { submissionAuthAttributes, testAuthenticator, testAuthSecret } from '../testing/test-tokens.ts';

export interface InMemoryWorldOptions {
  model: ModelClient;
  /** Remote (A2A) agents; by default the real A2A client, allowed to reach loopback test servers. */
  remoteAgents?: RemoteAgentClient;
  tools?: readonly Tool[];
  clock?: Clock;
  logger?: Logger;
  settings?: Partial<StepSettings>;
  redeliveryDelayMs?: number;
  /** Wraps the dependencies before the handlers are built (tests inject faults this way). */
  decorate?: (deps: Deps) => Deps;
  /** The callback backoff's jitter, uniform in [0, 1); default Math.random. */
  random?: () => number;
  /** Model quotas the runs share (an in-memory governor); none by default. */
  quotas?: ModelQuotas;
  /** Where `execute_code` runs and keeps files; without it the tool answers that it is not set up. */
  codeExecution?: CodeExecutionSetup;
  /** Runs' files, when no `codeExecution` brings its own store. */
  artifacts?: ArtifactStore;
  /** Where `browse` runs (a ChromiumBrowser in tests); without it the tool answers that it is not set up. */
  browser?: BrowserService;
  /** The secrets of tool authorizations OpenAPI toolsets use; none by default. */
  toolCredentials?: ToolCredentials;
}

/** The callback master key of the in-memory world: tests derive each user's secret from it. */
export const testCallbackSigningKey = 'test-callback-signing-key-of-the-in-memory-world';

/**
 * The second composition root: the whole pipeline with in-memory adapters, for fast tests of
 * the orchestration. Same handlers, same edge, same contracts as the Google-backed stack.
 */
export function createInMemoryWorld(options: InMemoryWorldOptions) {
  // One document database, as in production: the registry's agent documents are what a run's
  // commit reads for the lifecycle.
  const documents = new InMemoryDocuments();
  const store = new InMemoryRunStore(documents);
  const outbox = new InMemoryOutboxStore(documents);
  const queue = new InMemoryStepQueue({ redeliveryDelayMs: options.redeliveryDelayMs ?? 2 });
  const delayQueue = new LocalDelayQueue(queue);
  const agents = new InMemoryAgentCatalog(documents);
  const outbound = createGuardedFetch({ allowLoopback: true, timeoutMs: 30_000, maxResponseBytes: 4 * 1024 * 1024 });
  const deps: Deps = {
    store,
    outbox,
    callbacks: new InMemoryCallbackStore(documents),
    queue,
    delayQueue,
    model: options.model,
    remoteAgents: options.remoteAgents ?? new A2aRemoteAgentClient(outbound.fetch),
    agents,
    clock: options.clock ?? systemClock,
    ...(options.quotas ? { quota: new InMemoryModelQuota(options.quotas) } : {}),
    openApi: createOpenApiCaller({ fetch: outbound.fetch, credentials: options.toolCredentials ?? new InMemoryToolCredentials() }),
    // The in-memory world stands for the local stack: stdio servers may be started.
    mcp: { fetch: outbound.fetch, credentials: options.toolCredentials ?? new InMemoryToolCredentials(), allowStdio: true },
    tools: options.tools ?? [
      ...builtinTools,
      createExecuteCodeTool(options.codeExecution),
      createRenderChartTool(options.codeExecution?.artifacts ?? options.artifacts),
      createBrowseTool(options.browser, options.codeExecution?.artifacts ?? options.artifacts),
    ],
    ...(options.codeExecution || options.artifacts ? { artifacts: options.codeExecution?.artifacts ?? options.artifacts! } : {}),
    logger: options.logger ?? silentLogger,
    settings: {
      ...defaultStepSettings,
      // Fast re-checks: tests follow real local A2A servers.
      remoteAgent: { followMs: 2_000, recheckDelayMs: 20, maxTaskMs: 60_000 },
      // Tests call receivers on this machine, over http.
      callback: { ...defaultStepSettings.callback, allowHttp: true },
      ...options.settings,
    },
    authenticator: testAuthenticator(),
  };
  const decorated = options.decorate ? options.decorate(deps) : deps;
  const handlers = createStepHandlers(decorated);
  // The callback function's own fetch: its timeout is one attempt's, as createCallbackDeps builds it.
  const callbackFetch = createGuardedFetch({ allowLoopback: true, timeoutMs: decorated.settings.callback.timeoutMs, maxResponseBytes: 1024 * 1024 });
  const deliverCallback = createCallbackFunction({
    ...decorated,
    sender: new HttpCallbackSender(callbackFetch.fetch),
    signingKey: testCallbackSigningKey,
    random: options.random ?? Math.random,
  });
  queue.subscribe('tasks', handlers.submitRun);
  queue.subscribe('plan', handlers.planStep);
  queue.subscribe('model', handlers.modelStep);
  queue.subscribe('tool', handlers.toolStep);
  queue.subscribe('memory', handlers.memoryStep);
  queue.subscribe('dead-letter', handlers.deadLetter);
  queue.subscribe('agent-lifecycle', handlers.resumeAgentRuns);
  queue.subscribe('run-control', handlers.controlRun);
  queue.subscribe('callback', deliverCallback);
  queue.subscribe('trusted-submissions', handlers.submitTrustedRun);

  return {
    documents,
    store,
    outbox,
    queue,
    delayQueue,
    agents,
    handlers,
    deliverCallback,
    deps,
    /**
     * Publishes a submission on the tasks topic; returns the run id it will have. A `userId` is
     * proven with a token for it, as `agentline run --user` does; `{ unproven: true }` sends the
     * claim without one (the run is anonymous).
     */
    submit(submission: Partial<Submission> & Pick<Submission, 'agent' | 'input'>, options: { unproven?: boolean } = {}): string {
      const proven = submission.userId !== undefined && !options.unproven;
      const attributes = proven ? submissionAuthAttributes(testAuthSecret, submission.userId!) : {};
      const messageId = queue.publishRaw('tasks', Buffer.from(JSON.stringify(submission)), attributes);
      const { idempotencyKey, userId } = submission;
      return deriveRunId(proven ? { idempotencyKey, userId } : { idempotencyKey, unprovenUserId: userId }, messageId);
    },
    /** Resolves with the run once it is terminal; rejects after `timeoutMs`. */
    async waitForRun(runId: string, timeoutMs = 10_000): Promise<Run> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await store.getRun(runId);
        if (run && isTerminal(run.state)) {
          await queue.idle();
          return run;
        }
        if (Date.now() > deadline) throw new Error(`Run ${runId} not terminal after ${timeoutMs} ms: ${run?.state}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    close(): void {
      delayQueue.close();
      void outbound.close();
      void callbackFetch.close();
    },
  };
}
