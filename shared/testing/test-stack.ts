import { inject } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../local-stack/start-local-stack.ts';

/**
 * A local stack for an integration test file, on the emulators the integration project's global
 * setup started; its project is named `name` plus this worker's pid, so files running at once
 * keep their topics apart. It sweeps only when asked (`sweepIntervalMs`), so a test's deliveries
 * are its own. The caller stops it.
 */
export function startTestStack(name: string, options: Omit<LocalStackOptions, 'projectId' | 'emulators'> = {}): Promise<LocalStack> {
  return startLocalStack({
    projectId: `${name}-${process.pid}`,
    emulators: { pubsubHost: inject('pubsubHost'), firestoreHost: inject('firestoreHost') },
    sweepIntervalMs: 0,
    ...options,
  });
}

/** Environment for a test stack whose model is a local Gemini-wire server: the real SDK with any key, and no log noise. */
export function geminiWireTestEnv(geminiUrl: string): Record<string, string> {
  return { GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: geminiUrl, AGENTLINE_LOG_LEVEL: 'silent' };
}

/**
 * `geminiWireTestEnv` with short leases, so a crashed attempt is taken over within seconds.
 */
export function wireServerTestEnv(geminiUrl: string): Record<string, string> {
  return { ...geminiWireTestEnv(geminiUrl), AGENTLINE_MODEL_LEASE_SECONDS: '2', AGENTLINE_TOOL_LEASE_SECONDS: '2' };
}
