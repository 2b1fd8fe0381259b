import { createInterface } from 'node:readline';
import { startLocalStack } from './start-local-stack.ts';

/**
 * A process that owns a local stack on a data folder, for tests that kill it: started with a JSON
 * `{ projectId, dataDir, saveIntervalMs }` argument, it prints `{"pids": …}` once the stack is up,
 * then answers each stdin line `<id>` by committing the document `crash-tests/<id>` and printing
 * `{"written": "<id>"}`.
 */
const { projectId, dataDir, saveIntervalMs } = JSON.parse(process.argv[2] ?? '{}') as { projectId: string; dataDir: string; saveIntervalMs: number };
const stack = await startLocalStack({ projectId, dataDir, saveIntervalMs, sweepIntervalMs: 0, env: { AGENTLINE_LOG_LEVEL: 'silent' } });
const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
answer({ pids: stack.pids });
for await (const line of createInterface({ input: process.stdin })) {
  await stack.deps.firestore.doc(`crash-tests/${line.trim()}`).set({ committedAt: Date.now() });
  answer({ written: line.trim() });
}
