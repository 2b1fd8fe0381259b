import { parsePort } from './cli-options.ts';
import { registerCleanup } from '../shared/local-stack/register-cleanup.ts';
import { startLocalStack } from '../shared/local-stack/start-local-stack.ts';
import { topology } from '../infra/topology.ts';
import { localAuthSecretFile, readOrCreateLocalAuthSecret } from './local-auth-secret.ts';
import { devStackFile, localProjectId, localStackSettings, removeDevStackFile, writeDevStackFile } from './dev-stack-file.ts';

/** `agentline dev`: the local stack in the foreground until Ctrl-C; stops all it started. */
export async function runDevCommand(values: { port?: string | undefined }): Promise<number> {
  const port = parsePort(values.port);
  const { dataDir, saveIntervalMs } = localStackSettings();
  const env = { AGENTLINE_LOCAL_AUTH_SECRET: await readOrCreateLocalAuthSecret() };
  const stack = await startLocalStack({ projectId: localProjectId, dataDir, saveIntervalMs, env, ...(port ? { port } : {}) });
  // Ctrl-C is how dev ends: stop gracefully (saving data), but never wait long.
  registerCleanup(() => Promise.all([stack.stop(), removeDevStackFile()]).then(() => {}));
  await writeDevStackFile({
    pid: process.pid,
    projectId: stack.projectId,
    pubsubHost: stack.pubsubHost,
    firestoreHost: stack.firestoreHost,
    functionsUrl: stack.functionsUrl,
  });
  process.stderr.write(
    [
      'agentline dev: local stack running (Ctrl-C stops it)',
      `  project            ${stack.projectId}`,
      `  Pub/Sub emulator   PUBSUB_EMULATOR_HOST=${stack.pubsubHost}`,
      `  Firestore emulator FIRESTORE_EMULATOR_HOST=${stack.firestoreHost}`,
      `  functions          ${stack.functionsUrl}/<function>`,
      `  agents API         ${stack.functionsUrl}/v1/... (local tokens signed with ${localAuthSecretFile()})`,
      `  submit runs to     projects/${stack.projectId}/topics/${topology.submissionsTopic}`,
      `  results on         projects/${stack.projectId}/topics/${topology.resultsTopic}`,
      `  stack file         ${devStackFile()}`,
      `  data kept in       ${dataDir} (sessions and memories outlive the stack; ${saveIntervalMs > 0 ? `saved every ${saveIntervalMs / 1000} s, ` : ''}at a stop, and if this process dies)`,
      '',
    ].join('\n'),
  );
  await new Promise(() => {}); // until a signal; registerCleanup stops the stack and exits
  return 0;
}
