import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startEmulatorWatchdog, type EmulatorWatchdog } from './emulator-watchdog.ts';
import { saveFirestoreSnapshot } from './firestore-snapshots.ts';
import { guardianConfigSchema, stopCommand, type GuardianReport, type OrphanProtection } from './guardian-protocol.ts';
import { spawnProcessGroup, type ProcessGroup } from './process-group.ts';
import { waitUntilReady } from './wait-until-ready.ts';

/**
 * The guardian of a local stack's emulators, run as its own process (detached from the stack's
 * process group) with the stack holding a pipe to its stdin. It starts both emulator JVMs as its
 * own children, so they cannot outlive it, and stops them:
 * - on `stop` from the stack (a graceful stop: the stack saved the data itself);
 * - when its stdin closes — the stack exited or was killed, even with SIGKILL — or on SIGTERM,
 *   SIGINT or SIGHUP: then it first saves Firestore's data (`saveOnOwnerLoss`), so what the stack
 *   committed before it died is not lost.
 *
 * The JVMs cannot outlive the guardian: each gets the kernel's parent-death signal (`setpriv
 * --pdeathsig KILL`, util-linux). KILL rather than TERM, because a dying guardian can save
 * nothing either way (the Firestore emulator writes no export on SIGTERM; see
 * firestore-snapshots.ts) and KILL needs no one alive to enforce it. Where `setpriv` does not
 * exist (macOS), a watchdog (emulator-watchdog.ts) stops them when the guardian dies instead.
 */
async function main(): Promise<void> {
  const config = guardianConfigSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const groups: ProcessGroup[] = [];
  const protection: OrphanProtection = config.orphanProtection === 'auto' && hasSetpriv() ? 'parent-death-signal' : 'watchdog';
  let watchdog: EmulatorWatchdog | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (save: boolean) =>
    (stopping ??= (async () => {
      if (save && config.saveOnOwnerLoss) {
        const { projectId, directory } = config.saveOnOwnerLoss;
        await saveFirestoreSnapshot(`127.0.0.1:${config.firestore.port}`, projectId, directory).catch((error: unknown) =>
          process.stderr.write(`emulator guardian: could not save Firestore data: ${String(error)}\n`),
        );
      }
      await Promise.all(groups.map((group) => group.stop()));
      watchdog?.release();
      process.exit(0);
    })());
  createInterface({ input: process.stdin }).on('line', (line) => line.trim() === stopCommand && void stop(false));
  process.stdin.on('end', () => void stop(true));
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop(true));

  if (protection === 'watchdog') watchdog = await startEmulatorWatchdog();
  const prefix = protection === 'parent-death-signal' ? ['setpriv', '--pdeathsig', 'KILL'] : [];
  const spawnEmulator = async (emulator: typeof config.pubsub) => {
    const [command, ...args] = [...prefix, config.java, ...emulator.args];
    const group = await spawnProcessGroup(command!, args, { stopWithThisProcess: false });
    groups.push(group);
    watchdog?.watch(group.pid);
    return group;
  };
  try {
    // Both are spawned before either is waited for, so a failure stops everything there is.
    const spawned = await Promise.allSettled([spawnEmulator(config.pubsub), spawnEmulator(config.firestore)]);
    const [pubsub, firestore] = spawned.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    }) as [ProcessGroup, ProcessGroup];
    await Promise.all([
      waitUntilReady('Pub/Sub emulator', pubsub, config.pubsub.port, config.readyTimeoutMs),
      waitUntilReady('Firestore emulator', firestore, config.firestore.port, config.readyTimeoutMs),
    ]);
    report({ ready: { pubsub: pubsub.pid, firestore: firestore.pid, ...(watchdog ? { watchdog: watchdog.pid } : {}) }, protection });
  } catch (error) {
    report({ failed: String((error as Error).message ?? error) });
    await stop(false);
  }
}

function report(value: GuardianReport): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function hasSetpriv(): boolean {
  return spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
}

void main();
