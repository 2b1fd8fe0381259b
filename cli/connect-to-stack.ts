import { genAiOptionsFromEnv } from '../shared/adapters/genai/genai-options.ts';
import { registerCleanup } from '../shared/local-stack/register-cleanup.ts';
import { startLocalStack, type LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { useEmulators } from '../shared/local-stack/use-emulators.ts';
import { loadGeminiRecording, startGeminiReplayServer } from '../shared/testing/gemini-replay.ts';
import type { GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { createGoogleDeps } from '../shared/wiring/create-google-deps.ts';
import { loadConfig } from '../shared/wiring/load-config.ts';
import { findRunningDevStack, localProjectId, localStackSettings } from './dev-stack-file.ts';
import { readOrCreateLocalAuthSecret } from './local-auth-secret.ts';

export interface StackConnection {
  deps: Pick<ReturnType<typeof createGoogleDeps>, 'store' | 'callbacks' | 'pubsub'>;
  /** The secret the stack verifies local tokens with (`agentline dev` and ephemeral stacks share it). */
  localAuthSecret: string;
  /** Base URL of the same stack's HTTP API (`<apiUrl>/v1/...`). */
  apiUrl: string;
  close(): Promise<void>;
}

/**
 * A stack to run on: the running `agentline dev` stack when there is one, else an ephemeral
 * local stack stopped by `close` (and on Ctrl-C). With `fallbackReplay` and no model
 * credentials, the ephemeral stack's model is a local server replaying that recording.
 */
export async function connectToStack(options: {
  fallbackReplay: string | undefined;
  write: (line: string) => void;
}): Promise<StackConnection> {
  const replay = options.fallbackReplay && !hasModelCredentials() ? options.fallbackReplay : undefined;
  const localAuthSecret = await readOrCreateLocalAuthSecret();
  const dev = replay ? undefined : await findRunningDevStack();
  if (dev) {
    options.write(`using the running agentline dev stack (pid ${dev.pid}, functions at ${dev.functionsUrl})`);
    useEmulators(dev);
    const deps = createGoogleDeps(loadConfig({ ...process.env, GOOGLE_CLOUD_PROJECT: dev.projectId, AGENTLINE_LOG_LEVEL: 'silent' }));
    return { deps, localAuthSecret, apiUrl: dev.functionsUrl, close: () => deps.close() };
  }

  let stack: LocalStack | undefined;
  let replayServer: GeminiWireServer | undefined;
  // Ctrl-C: stop gracefully (the data is saved); a crash: the emulators' guardian saves it.
  const unregister = registerCleanup(() => Promise.all([stack?.stop(), replayServer?.close()]).then(() => {}));
  const close = async () => {
    await stack?.stop();
    await replayServer?.close();
    unregister();
  };
  try {
    const env: Record<string, string> = { AGENTLINE_LOCAL_AUTH_SECRET: localAuthSecret, AGENTLINE_LOG_LEVEL: process.env['AGENTLINE_LOG_LEVEL'] ?? 'silent' };
    if (replay) {
      replayServer = await startGeminiReplayServer(await loadGeminiRecording(replay));
      env['GEMINI_API_KEY'] = 'replay-no-credentials';
      env['GOOGLE_GEMINI_BASE_URL'] = replayServer.url;
      options.write(
        `No model credentials (GEMINI_API_KEY) are set: this is a REPLAY of a recorded Gemini conversation (${replay}),\n` +
          `served over Gemini's wire protocol by a local server. Set GEMINI_API_KEY to talk to Gemini.`,
      );
    }
    options.write('starting an ephemeral local stack (Pub/Sub and Firestore emulators, functions) ...');
    const { dataDir, saveIntervalMs } = localStackSettings();
    stack = await startLocalStack({ projectId: localProjectId, env, dataDir, saveIntervalMs, onWarning: options.write });
    options.write(`local stack up: Pub/Sub ${stack.pubsubHost}, Firestore ${stack.firestoreHost}, functions ${stack.functionsUrl}`);
    return { deps: stack.deps, localAuthSecret, apiUrl: stack.functionsUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function hasModelCredentials(): boolean {
  try {
    genAiOptionsFromEnv(process.env);
    return true;
  } catch {
    return false;
  }
}
