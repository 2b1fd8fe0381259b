import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { saveFirestoreSnapshot } from './firestore-snapshots.ts';
import { guardianConfigSchema, stopCommand, type GuardianConfig, type GuardianReport } from './guardian-protocol.ts';
import { spawnProcessGroup, type ProcessGroup } from './process-group.ts';
import { waitUntilReady } from './wait-until-ready.ts';

/**
 * The guardian of a local stack's emulators, run as its own process (detached from the stack's
 * process group) with the stack holding a pipe to its stdin. It starts both emulator JVMs as its
 * own children, each with the kernel's parent-death signal set to SIGKILL (`setpriv --pdeathsig`,
 * util-linux), so they cannot outlive it. It stops them:
 * - on `stop` from the stack (a graceful stop: the stack saved the data itself);
 * - when its stdin closes — the stack exited or was killed, even with SIGKILL — or on SIGTERM:
 *   then it first saves Firestore's data (`saveOnOwnerLoss`), so what the stack committed before
 *   it died is not lost.
 * Where `setpriv` does not exist (macOS), a guardian killed with SIGKILL leaves the JVMs running;
 * everything else holds.
 */
async function main(config: GuardianConfig): Promise<void> {
  const groups: ProcessGroup[] = [];
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
      process.exit(0);
    })());
  createInterface({ input: process.stdin }).on('line', (line) => line.trim() === stopCommand && void stop(false));
  process.stdin.on('end', () => void stop(true));
  process.on('SIGTERM', () => void stop(true));
  process.on('SIGINT', () => void stop(true));

  const orphanProof = parentDeathSignalPrefix();
  const start = async (label: string, emulator: GuardianConfig['pubsub']) => {
    const [command, ...prefix] = [...orphanProof, config.java];
    const group = await spawnProcessGroup(command!, [...prefix, ...emulator.args], { stopWithThisProcess: false });
    groups.push(group);
    await waitUntilReady(label, group, emulator.port, config.readyTimeoutMs);
    return group.pid;
  };
  try {
    const [pubsub, firestore] = await Promise.all([start('Pub/Sub emulator', config.pubsub), start('Firestore emulator', config.firestore)]);
    report({ ready: { pubsub, firestore } });
  } catch (error) {
    report({ failed: error instanceof AggregateError ? error.errors.map(String).join('\n\n') : String((error as Error).message ?? error) });
    await stop(false);
  }
}

function report(value: GuardianReport): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** `setpriv --pdeathsig KILL` when util-linux's setpriv exists, else nothing. */
function parentDeathSignalPrefix(): string[] {
  const probe = spawnSync('setpriv', ['--version'], { stdio: 'ignore' });
  return probe.status === 0 ? ['setpriv', '--pdeathsig', 'KILL'] : [];
}

void main(guardianConfigSchema.parse(JSON.parse(process.argv[2] ?? '{}')));
