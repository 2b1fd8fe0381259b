import { registerCleanup } from '../shared/local-stack/register-cleanup.ts';
import { startLocalStack, type LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { findRunningDevStack, localProjectId, localStackSettings } from './dev-stack-file.ts';
import { readOrCreateLocalAuthSecret } from './local-auth-secret.ts';

export interface ApiConnection {
  /** Base URL; the API is at `<apiUrl>/v1/...`. */
  apiUrl: string;
  /** The local token secret the stack verifies with. */
  secret: string;
  close(): Promise<void>;
}

/** The running `agentline dev` stack's API, or an ephemeral stack's (stopped by `close`). */
export async function connectToApi(write: (line: string) => void): Promise<ApiConnection> {
  const secret = await readOrCreateLocalAuthSecret();
  const dev = await findRunningDevStack();
  if (dev) return { apiUrl: dev.functionsUrl, secret, close: async () => {} };
  const { dataDir, saveIntervalMs } = localStackSettings();
  let stack: LocalStack | undefined;
  // Ctrl-C: stop gracefully (the data is saved); a crash: the emulators' guardian saves it.
  const unregister = registerCleanup(() => stack?.stop() ?? Promise.resolve());
  write('starting an ephemeral local stack for its API ...');
  try {
    stack = await startLocalStack({
      projectId: localProjectId,
      dataDir,
      saveIntervalMs,
      env: { AGENTLINE_LOCAL_AUTH_SECRET: secret, AGENTLINE_LOG_LEVEL: process.env['AGENTLINE_LOG_LEVEL'] ?? 'silent' },
      onWarning: write,
    });
  } catch (error) {
    unregister();
    throw error;
  }
  const started = stack;
  return { apiUrl: started.functionsUrl, secret, close: async () => { await started.stop(); unregister(); } };
}
