import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ModelClient } from '../ports/model-client.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { DelayQueue, StepQueue } from '../ports/step-queue.ts';
import type { AgentCatalog } from '../ports/agent-catalog.ts';
import type { RemoteAgentClient } from '../ports/remote-agent-client.ts';
import type { Tool } from '../tools/tool.ts';

/** Tunables of the step pipeline; production values come from loadConfig. */
export interface StepSettings {
  /** How long a claimed attempt excludes other deliveries, per step kind. */
  leaseMs: { model: number; tool: number };
  /** Model attempts (transient failures included) before the run fails. */
  maxModelAttempts: number;
  /** Backoff for transient model failures when the server gave no RetryInfo. */
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
}

export const defaultStepSettings: StepSettings = {
  leaseMs: { model: 120_000, tool: 60_000 },
  maxModelAttempts: 6,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 60_000,
  remoteAgent: { followMs: 60_000, recheckDelayMs: 10_000, maxTaskMs: 3_600_000 },
};

/** Everything a step handler may use; each handler takes the `Pick` it needs. */
export interface Deps {
  store: RunStore;
  queue: StepQueue;
  delayQueue: DelayQueue;
  model: ModelClient;
  remoteAgents: RemoteAgentClient;
  agents: AgentCatalog;
  clock: Clock;
  tools: readonly Tool[];
  logger: Logger;
  settings: StepSettings;
}
