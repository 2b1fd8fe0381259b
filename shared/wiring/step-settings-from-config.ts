import type { RetentionPolicy } from '../domain/retention.ts';
import { defaultStepSettings, type StepSettings } from '../engine/deps.ts';
import type { Config } from './load-config.ts';

/** The step pipeline's settings from the configuration. */
export function stepSettingsFromConfig(config: Config): StepSettings {
  return {
    leaseMs: { model: config.AGENTLINE_MODEL_LEASE_SECONDS * 1000, tool: config.AGENTLINE_TOOL_LEASE_SECONDS * 1000 },
    maxModelAttempts: config.AGENTLINE_MAX_MODEL_ATTEMPTS,
    maxModelTimeouts: config.AGENTLINE_MAX_MODEL_TIMEOUTS,
    maxToolAttempts: config.AGENTLINE_MAX_TOOL_ATTEMPTS,
    retryBaseDelayMs: config.AGENTLINE_RETRY_BASE_MS,
    retryMaxDelayMs: config.AGENTLINE_RETRY_MAX_MS,
    remoteAgent: { ...defaultStepSettings.remoteAgent, followMs: (config.AGENTLINE_MODEL_LEASE_SECONDS * 1000) / 2 },
    maxRunMs: config.AGENTLINE_MAX_RUN_SECONDS * 1000,
    sessionWindow: { maxRuns: config.AGENTLINE_SESSION_HISTORY_RUNS, maxBytes: config.AGENTLINE_SESSION_HISTORY_BYTES },
    callback: {
      timeoutMs: Math.round(config.AGENTLINE_CALLBACK_TIMEOUT_SECONDS * 1000),
      maxAttempts: config.AGENTLINE_CALLBACK_MAX_ATTEMPTS,
      maxTotalMs: config.AGENTLINE_CALLBACK_MAX_SECONDS * 1000,
      baseDelayMs: config.AGENTLINE_CALLBACK_RETRY_BASE_MS,
      maxDelayMs: config.AGENTLINE_CALLBACK_RETRY_MAX_MS,
      // The same switch as loopback: only the local stack and tests call plain-http receivers.
      allowHttp: config.AGENTLINE_OUTBOUND_ALLOW_LOOPBACK,
    },
    sweep: {
      graceMs: config.AGENTLINE_SWEEP_GRACE_SECONDS * 1000,
      batchSize: config.AGENTLINE_SWEEP_BATCH,
      deletesExpired: config.AGENTLINE_SWEEP_DELETES_EXPIRED,
    },
  };
}

/** How long run data is kept, from the configuration. */
export function retentionFromConfig(config: Config): RetentionPolicy {
  return { retentionMs: config.AGENTLINE_RETENTION_SECONDS * 1000, maxRunMs: config.AGENTLINE_MAX_RUN_SECONDS * 1000 };
}
