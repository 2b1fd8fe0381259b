import type { GuardedFetchOptions } from '../adapters/http/guarded-fetch.ts';
import type { Config } from './load-config.ts';

/** The guarded fetch settings (see createGuardedFetch) from the process configuration. */
export function outboundFetchOptions(config: Config): GuardedFetchOptions {
  return {
    allowLoopback: config.AGENTLINE_OUTBOUND_ALLOW_LOOPBACK,
    timeoutMs: config.AGENTLINE_OUTBOUND_TIMEOUT_SECONDS * 1000,
    maxResponseBytes: config.AGENTLINE_OUTBOUND_MAX_BYTES,
  };
}
