import { registerCleanup } from '../shared/local-stack/register-cleanup.ts';
import { startLocalStack } from '../shared/local-stack/start-local-stack.ts';
import { topology } from '../infra/topology.ts';
import { removeDevStackFile, writeDevStackFile, devStackFile } from './dev-stack-file.ts';

/** `agentline dev`: the local stack in the foreground until Ctrl-C; stops all it started. */
export async function runDevCommand(values: { port?: string | undefined }): Promise<number> {
  const stack = await startLocalStack({ ...(values.port ? { port: Number(values.port) } : {}) });
  registerCleanup(() => Promise.all([stack.kill(), removeDevStackFile()]).then(() => {}));
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
      `  submit runs to     projects/${stack.projectId}/topics/${topology.submissionsTopic}`,
      `  results on         projects/${stack.projectId}/topics/${topology.resultsTopic}`,
      `  stack file         ${devStackFile()}`,
      '',
    ].join('\n'),
  );
  await new Promise(() => {}); // until a signal; registerCleanup stops the stack and exits
  return 0;
}
