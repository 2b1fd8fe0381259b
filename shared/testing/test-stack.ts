/**
 * Environment for a test stack whose model is a local Gemini-wire server: the real SDK with any
 * key, short leases so a crashed attempt is taken over within seconds, and no log noise.
 */
export function wireServerTestEnv(geminiUrl: string): Record<string, string> {
  return {
    GEMINI_API_KEY: 'test-key',
    GOOGLE_GEMINI_BASE_URL: geminiUrl,
    AGENTLINE_MODEL_LEASE_SECONDS: '2',
    AGENTLINE_TOOL_LEASE_SECONDS: '2',
    AGENTLINE_LOG_LEVEL: 'silent',
  };
}
