import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { locateEmulatorJars } from './emulator-jars.ts';
import { findFreePorts } from './free-ports.ts';
import { spawnProcessGroup } from './process-group.ts';
import type { ProcessGroup } from './process-group.ts';

/** Both emulators, running. Nothing here touches `process.env`; the caller decides who sees them. */
export interface LocalEmulators {
  /** `127.0.0.1:<port>`, the value for `PUBSUB_EMULATOR_HOST`. */
  pubsubHost: string;
  /** `127.0.0.1:<port>`, the value for `FIRESTORE_EMULATOR_HOST`. */
  firestoreHost: string;
  /** A default project id; both emulators isolate data per project, so any other id works too. */
  projectId: string;
  pids: { pubsub: number; firestore: number };
  /** Stops both process groups (SIGTERM, then SIGKILL after a grace period). Idempotent. */
  stop(): Promise<void>;
}

export interface StartEmulatorsOptions {
  projectId?: string;
  /** Read for the jar locations (see `locateEmulatorJars`); never written. */
  env?: NodeJS.ProcessEnv;
  java?: string;
  readyTimeoutMs?: number;
  /** A Firestore export (`.overall_export_metadata` file) to load at start. */
  firestoreImport?: string;
}

// C1-only JIT and the serial collector start both emulators together in 1.4 s instead of 2.0 s
// on 2 cores, and were faster under load too (300 sequential Firestore transactions: 2.2-2.6 s
// instead of 3.3-3.8 s): C2 compiler threads compete with the tests for the cores and a local
// stack never runs long enough for C2's better code to pay back.
const jvmOptions = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Duser.language=en'];

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

async function waitUntilReady(label: string, group: ProcessGroup, port: number, timeoutMs: number): Promise<void> {
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

async function startEmulator(label: string, java: string, args: string[], port: number, timeoutMs: number): Promise<ProcessGroup> {
  const group = await spawnProcessGroup(java, [...jvmOptions, ...args]).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    throw new Error(`${label} needs Java 17 or newer, and \`${java}\` was not found (sudo apt-get install default-jre-headless)`, { cause: error });
  });
  try {
    await waitUntilReady(label, group, port, timeoutMs);
    return group;
  } catch (error) {
    await group.stop();
    throw error;
  }
}

/**
 * Starts the installed Pub/Sub and Firestore emulators in parallel, each as a bare `java` process
 * in its own process group on free ports, and resolves once both answer `GET /` with `Ok`. If
 * either fails, whatever did start is stopped before the error (with the emulator's output tail)
 * is thrown. Pair with `registerCleanup(emulators.stop)` so a crash or Ctrl-C stops them too.
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<LocalEmulators> {
  const { projectId = 'agentline-local', env = process.env, java = 'java', readyTimeoutMs = 30_000 } = options;
  const [jars, [pubsubPort, firestorePort, websocketPort, webchannelPort]] = await Promise.all([
    locateEmulatorJars(env),
    findFreePorts(4) as Promise<[number, number, number, number]>,
  ]);
  const host = '--host=127.0.0.1';
  const started = await Promise.allSettled([
    startEmulator('Pub/Sub emulator', java, ['-jar', jars.pubsubJar, host, `--port=${pubsubPort}`], pubsubPort, readyTimeoutMs),
    startEmulator(
      'Firestore emulator',
      java,
      [
        // The jar has no Main-Class; this is what `gcloud emulators firestore start` runs, minus the
        // python wrapper and with the WebSocket ports pinned instead of random.
        ...['-cp', jars.firestoreJar, 'com.google.cloud.datastore.emulator.firestore.CloudFirestore', 'start'],
        ...[host, `--port=${firestorePort}`, `--websocket_port=${websocketPort}`, `--webchannel_port=${webchannelPort}`],
        '--database-mode=firestore-native',
        ...(options.firestoreImport ? [`--import-data=${options.firestoreImport}`] : []),
      ],
      firestorePort,
      readyTimeoutMs,
    ),
  ]);
  const [pubsub, firestore] = started;
  if (pubsub.status === 'rejected' || firestore.status === 'rejected') {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    const errors = started.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
    throw errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map((error) => error.message).join('\n\n'));
  }
  const groups = [pubsub.value, firestore.value];
  return {
    pubsubHost: `127.0.0.1:${pubsubPort}`,
    firestoreHost: `127.0.0.1:${firestorePort}`,
    projectId,
    pids: { pubsub: pubsub.value.pid, firestore: firestore.value.pid },
    // Both SIGTERMs go out synchronously (see ProcessGroup.stop), so this works in an exit handler.
    stop: () => Promise.all(groups.map((group) => group.stop())).then(() => undefined),
  };
}
