import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pidsListeningAs } from '../testing/emulator-pids.ts';
import { isProcessAlive } from './process-group.ts';
import { startLocalStack } from './start-local-stack.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'agentline-data-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('startLocalStack with a data directory', () => {
  it('keeps sessions from one stack to the next, and stops the emulators it started', async () => {
    const content = { role: 'user' as const, parts: [{ text: 'remember me' }] };
    const first = await startLocalStack({ projectId: 'persist', dataDir, env: { AGENTLINE_LOG_LEVEL: 'silent' } });
    let firstPids: number[];
    try {
      await first.deps.store.transact(async (tx) =>
        tx.putSessionEntry({ schemaVersion: 1, sessionId: 's1', userId: 'u1', runId: 'r1', runCreateTime: 1, contents: [content], createTime: 2 }),
      );
      firstPids = pidsListeningAs(first.pubsubHost, first.firestoreHost);
    } finally {
      await first.stop();
    }
    // One java process per emulator; otherwise the check below would hold for no processes at all.
    expect(firstPids).toHaveLength(2);

    const second = await startLocalStack({ projectId: 'persist', dataDir, env: { AGENTLINE_LOG_LEVEL: 'silent' } });
    try {
      expect(second.firestoreHost).not.toBe(first.firestoreHost);
      expect(await second.deps.store.listSessionHistory('u1', 's1', { maxRuns: 10, maxBytes: 100_000 })).toEqual([content]);
    } finally {
      await second.stop();
    }
    expect(firstPids.every((pid) => !isProcessAlive(pid))).toBe(true);
  });
});
