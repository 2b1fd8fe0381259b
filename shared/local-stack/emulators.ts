import { fileURLToPath } from 'node:url';
import { locateEmulatorJars } from './emulator-jars.ts';
import { findFreePorts } from './free-ports.ts';
import { guardianReportSchema, stopCommand, type GuardianConfig, type GuardianReport, type OrphanProtection } from './guardian-protocol.ts';
import { spawnProcessGroup } from './process-group.ts';

/** Both emulators, running. Nothing here touches `process.env`; the caller decides who sees them. */
export interface LocalEmulators {
  /** `127.0.0.1:<port>`, the value for `PUBSUB_EMULATOR_HOST`. */
  pubsubHost: string;
  /** `127.0.0.1:<port>`, the value for `FIRESTORE_EMULATOR_HOST`. */
  firestoreHost: string;
  /** A default project id; both emulators isolate data per project, so any other id works too. */
  projectId: string;
  /** The emulator JVMs, the guardian process that owns them, and its watchdog if it needs one. */
  pids: { pubsub: number; firestore: number; guardian: number; watchdog?: number };
  /** What keeps the JVMs from outliving their guardian (see emulator-guardian.ts). */
  protection: OrphanProtection;
  /** Stops both emulators without saving data (the caller saved what it wanted). Idempotent. */
  stop(): Promise<void>;
  /**
   * Lets go of the emulators at once, for exit paths where nothing asynchronous runs: the
   * guardian saves the data (when `saveOnOwnerLoss` was given) and stops them by itself.
   */
  abandon(): void;
}

export interface StartEmulatorsOptions {
  projectId?: string;
  /** Read for the jar locations (see `locateEmulatorJars`); never written. */
  env?: NodeJS.ProcessEnv;
  java?: string;
  readyTimeoutMs?: number;
  /** A Firestore export (`.overall_export_metadata` file) to load at start. */
  firestoreImport?: string;
  /** Where the guardian saves Firestore's data when this process dies or lets go without stopping. */
  saveOnOwnerLoss?: { projectId: string; directory: string };
  /** `watchdog` forces the fallback used where `setpriv` does not exist (see guardian-protocol.ts); default `auto`. */
  orphanProtection?: 'auto' | 'watchdog';
}

// C1-only JIT and the serial collector start both emulators together in 1.4 s instead of 2.0 s
// on 2 cores, and were faster under load too (300 sequential Firestore transactions: 2.2-2.6 s
// instead of 3.3-3.8 s): C2 compiler threads compete with the tests for the cores and a local
// stack never runs long enough for C2's better code to pay back.
const jvmOptions = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Duser.language=en'];

const guardianScript = fileURLToPath(new URL('./emulator-guardian.ts', import.meta.url));

/**
 * Starts the installed Pub/Sub and Firestore emulators in parallel, each as a bare `java` process
 * on free ports, under a guardian process (`emulator-guardian.ts`) that owns them: they end when
 * it does (the kernel's parent-death signal, or a watchdog without it), and it ends when this
 * process does — saving Firestore's data first, with `saveOnOwnerLoss` — whatever signal ends
 * this one, SIGKILL included. Resolves once both answer `GET /` with `Ok`; if either fails, everything started is
 * stopped before the error (with the emulator's output tail) is thrown.
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<LocalEmulators> {
  const { projectId = 'agentline-local', env = process.env, java = 'java', readyTimeoutMs = 30_000 } = options;
  const [jars, [pubsubPort, firestorePort, websocketPort, webchannelPort]] = await Promise.all([
    locateEmulatorJars(env),
    findFreePorts(4) as Promise<[number, number, number, number]>,
  ]);
  const host = '--host=127.0.0.1';
  const config: GuardianConfig = {
    java,
    pubsub: { args: [...jvmOptions, '-jar', jars.pubsubJar, host, `--port=${pubsubPort}`], port: pubsubPort },
    firestore: {
      args: [
        ...jvmOptions,
        // The jar has no Main-Class; this is what `gcloud emulators firestore start` runs, minus the
        // python wrapper and with the WebSocket ports pinned instead of random.
        ...['-cp', jars.firestoreJar, 'com.google.cloud.datastore.emulator.firestore.CloudFirestore', 'start'],
        ...[host, `--port=${firestorePort}`, `--websocket_port=${websocketPort}`, `--webchannel_port=${webchannelPort}`],
        '--database-mode=firestore-native',
        ...(options.firestoreImport ? [`--import-data=${options.firestoreImport}`] : []),
      ],
      port: firestorePort,
    },
    readyTimeoutMs,
    orphanProtection: options.orphanProtection ?? 'auto',
    ...(options.saveOnOwnerLoss ? { saveOnOwnerLoss: options.saveOnOwnerLoss } : {}),
  };
  let answer: (report: GuardianReport) => void = () => {};
  const answered = new Promise<GuardianReport>((resolve) => (answer = resolve));
  const guardian = await spawnProcessGroup(process.execPath, [guardianScript, JSON.stringify(config)], {
    stdin: 'pipe',
    // Not stopped by this process's cleanups on a signal: that would save and stop the emulators
    // before the stack that uses them drained and froze its writes. The stack stops them itself,
    // and the pipe closing (this process exited or died, however) makes the guardian save and stop.
    stopWithThisProcess: false,
    onStdoutLine: (line) => {
      const parsed = guardianReportSchema.safeParse(safeJson(line));
      if (parsed.success) answer(parsed.data);
    },
  });
  const gone = guardian.exited.then(() => ({ failed: `the emulator guardian exited before the emulators were ready.\n--- its last output ---\n${guardian.outputTail()}` }));
  const report = await Promise.race([answered, gone]);
  if ('failed' in report) {
    await guardian.stop();
    throw new Error(/failed to execute|ENOENT/.test(report.failed) ? `The emulators need Java 17 or newer, and \`${java}\` was not found (sudo apt-get install default-jre-headless)` : report.failed);
  }
  let stopping: Promise<void> | undefined;
  return {
    pubsubHost: `127.0.0.1:${pubsubPort}`,
    firestoreHost: `127.0.0.1:${firestorePort}`,
    projectId,
    pids: { ...report.ready, guardian: guardian.pid },
    protection: report.protection,
    stop: () =>
      (stopping ??= (async () => {
        guardian.stdin?.end(`${stopCommand}\n`);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, 10_000, 'late')));
        if ((await Promise.race([guardian.exited, late])) === 'late') await guardian.stop();
        clearTimeout(timer);
      })()),
    abandon: () => guardian.stdin?.end(),
  };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
