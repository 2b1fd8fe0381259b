import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Run } from '../domain/run.ts';
import type { Submission } from '../domain/submission.ts';
import type { LocalEmulators } from '../local-stack/emulators.ts';
import type { StackProcessOptions } from './stack-process.ts';

const script = fileURLToPath(new URL('./stack-process.ts', import.meta.url));

/** A local stack running in a child process (`stack-process.ts`), driven line by line. */
export interface StackProcess {
  child: ChildProcessWithoutNullStreams;
  pids: LocalEmulators['pids'];
  functionsUrl: string;
  submit(submission: Submission): Promise<string>;
  getRun(runId: string): Promise<Run | undefined>;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** Its stderr so far, for failure messages. */
  stderr(): string;
}

/** Starts `stack-process.ts` and resolves once its stack is up. */
export async function startStackProcess(options: StackProcessOptions): Promise<StackProcess> {
  const child = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8192)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await Promise.race([lines.next(), exited.then(() => ({ done: true, value: undefined }))]);
    if (line.done) throw new Error(`the stack process exited.\n--- its stderr ---\n${stderr}`);
    return JSON.parse(line.value as string) as Record<string, unknown>;
  };
  const ready = (await next())['ready'] as { functionsUrl: string; pids: LocalEmulators['pids'] };
  let queue = Promise.resolve();
  const ask = <T>(command: unknown, key: string): Promise<T> => {
    const answer = queue.then(async () => {
      child.stdin.write(`${JSON.stringify(command)}\n`);
      return (await next())[key] as T;
    });
    queue = answer.then(() => {}, () => {});
    return answer;
  };
  return {
    child,
    pids: ready.pids,
    functionsUrl: ready.functionsUrl,
    submit: (submission) => ask<string>({ submit: submission }, 'runId'),
    getRun: async (runId) => (await ask<Run | null>({ get: runId }, 'run')) ?? undefined,
    exited,
    stderr: () => stderr,
  };
}
