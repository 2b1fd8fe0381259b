import { execFileSync } from 'node:child_process';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { describe, expect, inject, it } from 'vitest';
import { startEmulators } from './emulators.ts';
import { isProcessAlive } from './process-group.ts';

const projectId = 'int-emulators';

async function answers(host: string): Promise<boolean> {
  return fetch(`http://${host}/`).then((response) => response.text()).then((body) => body.trim() === 'Ok', () => false);
}

/**
 * Live java processes this test worker started, through the guardians it started (the shared
 * emulators belong to the main process): children of this worker's children.
 */
function ownJavaDescendants(): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((row) => row.trim().split(/\s+/))
    .filter((row) => row.length === 3);
  const children = new Set(rows.filter(([, ppid]) => Number(ppid) === process.pid).map(([pid]) => pid));
  return rows
    .filter(([pid, ppid, command]) => children.has(ppid!) && command === 'java' && isProcessAlive(Number(pid)))
    .map(([pid]) => Number(pid));
}

/** Live java processes whose parent died (re-parented to init): emulators that outlived their owner. */
function orphanedJava(): number[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((row) => row.trim().split(/\s+/))
    .filter(([pid, ppid, command]) => ppid === '1' && command === 'java' && isProcessAlive(Number(pid)))
    .map(([pid]) => Number(pid));
}

describe('the shared emulators of the integration project', () => {
  it('are in the environment of every test worker', () => {
    expect(process.env.PUBSUB_EMULATOR_HOST).toBe(inject('pubsubHost'));
    expect(process.env.FIRESTORE_EMULATOR_HOST).toBe(inject('firestoreHost'));
  });

  it('serve the real Pub/Sub and Firestore clients', async () => {
    const pubsub = new PubSub({ projectId });
    const firestore = new Firestore({ projectId });
    try {
      const [topic] = await pubsub.createTopic(`answers-${Date.now()}`);
      await expect(topic.publishMessage({ json: { hello: 'world' } })).resolves.toMatch(/^\d+$/);
      await firestore.doc('checks/one').set({ ok: true });
      expect((await firestore.doc('checks/one').get()).data()).toEqual({ ok: true });
    } finally {
      await Promise.all([pubsub.close(), firestore.terminate()]);
    }
  });
});

describe('startEmulators', () => {
  it('starts both emulators on free ports, and stop() ends both processes', async () => {
    const started = performance.now();
    const emulators = await startEmulators({ projectId });
    console.info(`startEmulators took ${Math.round(performance.now() - started)} ms`);
    const { pubsub, firestore } = emulators.pids;
    expect(await answers(emulators.pubsubHost)).toBe(true);
    expect(await answers(emulators.firestoreHost)).toBe(true);
    expect([isProcessAlive(pubsub), isProcessAlive(firestore)]).toEqual([true, true]);

    const stopping = performance.now();
    await emulators.stop();
    console.info(`stop took ${Math.round(performance.now() - stopping)} ms`);

    expect([isProcessAlive(pubsub), isProcessAlive(firestore)]).toEqual([false, false]);
    expect(await answers(emulators.pubsubHost)).toBe(false);
    await expect(emulators.stop()).resolves.toBeUndefined();
  });

  it('reports an emulator that dies at start with its output, and stops the other one', async () => {
    const error = await startEmulators({ env: { ...process.env, AGENTLINE_PUBSUB_EMULATOR_JAR: '/etc/hostname' } }).then(
      (emulators) => emulators.stop(), // (not expected) so that a failing test leaves nothing running
      (caught: unknown) => caught as Error,
    );

    if (!(error instanceof Error)) throw new Error('startEmulators should have failed');
    expect(error.message).toMatch(/^Pub\/Sub emulator exited \(code 1\) before it was ready\./);
    expect(error.message).toContain('Invalid or corrupt jarfile /etc/hostname');
    expect(ownJavaDescendants()).toEqual([]);
    // Nor did a JVM outlive its guardian: an orphan is re-parented to init.
    expect(orphanedJava()).toEqual([]);
  });
});
