import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from './process-group.ts';
import { startLocalStack } from './start-local-stack.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'agentline-data-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('startLocalStack with a data directory', () => {
  it('keeps sessions from one stack to the next, and stops the emulators it started', async () => {
    const content = { role: 'user' as const, parts: [{ text: 'remember me' }] };
    const first = await startLocalStack({ projectId: 'persist', dataDir, env: { AGENTLINE_LOG_LEVEL: 'silent' } });
    await first.deps.store.appendToSession({ sessionId: 's1', runId: 'r1', runCreateTime: 1, contents: [content], now: 2 });
    const firstPids = pidsOf(first.pubsubHost, first.firestoreHost);
    await first.stop();

    const second = await startLocalStack({ projectId: 'persist', dataDir, env: { AGENTLINE_LOG_LEVEL: 'silent' } });
    try {
      expect(second.firestoreHost).not.toBe(first.firestoreHost);
      expect(await second.deps.store.listSessionContents('s1')).toEqual([content]);
    } finally {
      await second.stop();
    }
    expect(firstPids.every((pid) => !isProcessAlive(pid))).toBe(true);
  });
});

/** PIDs of the java processes listening for these hosts (read from /proc, Linux only). */
function pidsOf(...hosts: string[]): number[] {
  const ports = hosts.map((host) => `--port=${host.split(':')[1]}`);
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return ports.some((port) => args.includes(port));
      } catch {
        return false;
      }
    })
    .map(Number);
}
