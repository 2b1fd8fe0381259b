import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessGroup } from './process-group.ts';

// A bare one-shot request: no pooled keep-alive socket outlives the poll or the emulator.
function getBody(url: string): Promise<string> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 1000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body)).on('error', () => resolve(''));
    });
    request.on('timeout', () => request.destroy()).on('error', () => resolve(''));
  });
}

/**
 * Resolves once the emulator on `port` answers `GET /` with `Ok`; rejects, with the process's
 * output tail, when it exits first or does not answer within `timeoutMs`.
 */
export async function waitUntilReady(label: string, group: ProcessGroup, port: number, timeoutMs: number): Promise<void> {
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + timeoutMs;
  while (!group.hasExited()) {
    const body = await getBody(url);
    if (body.trim() === 'Ok') return;
    if (Date.now() > deadline) {
      throw new Error(`${label} did not answer GET ${url} with "Ok" within ${timeoutMs} ms.\n--- its last output ---\n${group.outputTail()}`);
    }
    await sleep(25);
  }
  const { code, signal } = await group.exited;
  throw new Error(`${label} exited (${signal ?? `code ${code}`}) before it was ready.\n--- its last output ---\n${group.outputTail()}`);
}
