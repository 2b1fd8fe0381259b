import type { GuardedFetchOptions } from '../adapters/http/guarded-fetch.ts';
import type { Config } from './load-config.ts';
import { mcpLimits } from '../domain/mcp-toolset.ts';

/** The guarded fetch settings (see createGuardedFetch) from the process configuration. */
export function outboundFetchOptions(config: Config): GuardedFetchOptions {
  return {
    allowLoopback: config.AGENTLINE_OUTBOUND_ALLOW_LOOPBACK,
    timeoutMs: config.AGENTLINE_OUTBOUND_TIMEOUT_SECONDS * 1000,
    maxResponseBytes: config.AGENTLINE_OUTBOUND_MAX_BYTES,
  };
}

/**
 * The same for MCP servers: an MCP answer may stream for as long as a call may last
 * (`mcpLimits.callTimeoutMs`, within the step's lease), longer than other outbound requests.
 */
export function mcpFetchOptions(config: Config): GuardedFetchOptions {
  return { ...outboundFetchOptions(config), timeoutMs: Math.max(config.AGENTLINE_OUTBOUND_TIMEOUT_SECONDS * 1000, mcpLimits.callTimeoutMs) };
}
