import type { CallbackPolicy } from '../domain/callback.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelQuotaGovernor } from '../ports/model-quota.ts';
import type { CallbackStore } from '../ports/callback-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ModelClient } from '../ports/model-client.ts';
import type { OutboxStore } from '../ports/outbox-store.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { DelayQueue, StepQueue } from '../ports/step-queue.ts';
import type { AgentCatalog } from '../ports/agent-catalog.ts';
import type { Authenticator } from '../ports/authenticator.ts';
import type { RemoteAgentClient } from '../ports/remote-agent-client.ts';
import type { SessionWindow } from '../domain/session-history.ts';
import type { Tool } from '../tools/tool.ts';
import type { OpenApiCaller } from '../tools/openapi/call-operation.ts';
import type { McpAccess } from '../tools/mcp/mcp-client.ts';

/** Tunables of the step pipeline; production values come from loadConfig. */
export interface StepSettings {
  /** How long a claimed attempt excludes other deliveries, per step kind. */
  leaseMs: { model: number; tool: number };
  /** Model requests that may fail transiently in a row before the run fails. */
  maxModelAttempts: number;
  /** Model requests of one step that may time out in a row (each costs a whole request timeout) before the run fails. */
  maxModelTimeouts: number;
  /** Tool calls that may fail transiently in a row before the model gets a tool error. */
  maxToolAttempts: number;
  /** Backoff for transient failures when the server gave no RetryInfo. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Following a remote (A2A) agent's task. */
  remoteAgent: {
    /** How long one attempt follows the task; well inside the model lease. */
    followMs: number;
    /** When an unfinished task is checked again. */
    recheckDelayMs: number;
    /** A task unfinished this long after it started ends the run (A2A_TASK_TIMEOUT). */
    maxTaskMs: number;
  };
  /** The longest a run may last: its deadline when the submission gives none, and the latest one it may give. */
  maxRunMs: number;
  /** How much of its session a run starts from. */
  sessionWindow: SessionWindow;
  /** Result callbacks (docs/architecture.md, "Result callbacks"): how each POST and the retries are bounded. */
  callback: CallbackPolicy & {
    /** Accept `http` callback URLs: only where outbound loopback is allowed (the local stack and tests). */
    allowHttp: boolean;
  };
  sweep: {
    /** How late something must be before the sweeper re-drives it: longer than a healthy delivery takes. */
    graceMs: number;
    /** The most records of each kind one sweep handles. */
    batchSize: number;
    /** True only where no other TTL exists (the emulator): the sweeper deletes expired run data itself. */
    deletesExpired: boolean;
  };
}

export const defaultStepSettings: StepSettings = {
  leaseMs: { model: 120_000, tool: 60_000 },
  maxModelAttempts: 6,
  maxModelTimeouts: 2,
  maxToolAttempts: 5,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 60_000,
  remoteAgent: { followMs: 60_000, recheckDelayMs: 10_000, maxTaskMs: 3_600_000 },
  maxRunMs: 7 * 86_400_000,
  sessionWindow: { maxRuns: 20, maxBytes: 200_000 },
  callback: { timeoutMs: 10_000, maxAttempts: 12, maxTotalMs: 3_600_000, baseDelayMs: 5_000, maxDelayMs: 900_000, allowHttp: false },
  sweep: { graceMs: 60_000, batchSize: 200, deletesExpired: false },
};

/** Everything a step handler may use; each handler takes the `Pick` it needs. */
export interface Deps {
  store: RunStore;
  outbox: OutboxStore;
  /** Result callback deliveries; read by the callback function and the sweeper, never by a run's commits. */
  callbacks: CallbackStore;
  queue: StepQueue;
  delayQueue: DelayQueue;
  model: ModelClient;
  remoteAgents: RemoteAgentClient;
  agents: AgentCatalog;
  clock: Clock;
  tools: readonly Tool[];
  logger: Logger;
  settings: StepSettings;
  /** Verifies the tokens that prove who a submission is for (the agents API's scheme). */
  authenticator: Authenticator;
  /** Files runs take in and make (docs/architecture.md, "Artifacts"); absent where none is configured. */
  artifacts?: ArtifactStore;
  /** Calls agents' OpenAPI operations (docs/architecture.md, "OpenAPI toolsets"); absent where none is set up. */
  openApi?: OpenApiCaller;
  /** Reaches agents' MCP servers (docs/architecture.md, "MCP toolsets"); absent where none is set up. */
  mcp?: McpAccess;
  /** The model quota every run shares; absent where none is configured (docs/architecture.md, "Model quota"). */
  quota?: ModelQuotaGovernor;
}
