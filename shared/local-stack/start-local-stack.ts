import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topology as deployedTopology, type Topology } from '../../infra/topology.ts';
import { registerApiFunctions } from '../../functions/register-api-functions.ts';
import { detectSandbox } from '../../jobs/code-exec/sandbox/detect-sandbox.ts';
import { defaultChromiumPath } from '../browser/chromium-path.ts';
import type { ApiDeps } from '../agents-api/api-deps.ts';
import { createApiDeps } from '../wiring/create-api-deps.ts';
import { createApiHandlers } from '../wiring/create-api-handlers.ts';
import { ensureTopology } from '../adapters/pubsub/ensure-topology.ts';
import { registerFunctions } from '../../functions/register-functions.ts';
import { registerCallbackFunction } from '../../functions/register-callback-function.ts';
import { createCallbackDeps, createCallbackFunction } from '../wiring/create-callback-deps.ts';
import type { Deps } from '../engine/deps.ts';
import type { DeliveryHandler } from '../engine/settle-delivery.ts';
import { sweep } from '../engine/sweep.ts';
import { createStepHandlers, type FunctionName } from '../wiring/create-step-handlers.ts';
import { createGoogleDeps } from '../wiring/create-google-deps.ts';
import { loadConfig } from '../wiring/load-config.ts';
import { migrateFirestoreData, type MigrationReport } from '../adapters/firestore/migrate-firestore-data.ts';
import { LocalCodeJobLauncher } from '../adapters/local/local-code-job-launcher.ts';
import { LocalDelayQueue } from '../adapters/local/local-delay-queue.ts';
import { startEmulators, type LocalEmulators } from './emulators.ts';
import { createWriteFreeze } from './freeze-writes.ts';
import { startFunctionServer } from './function-server.ts';
import { keepLocalData, type LocalData } from './keep-local-data.ts';
import { startSweepTimer } from './sweep-timer.ts';
import { startLocalSchedulerClock } from './local-scheduler-clock.ts';
import { FirestoreLocalSchedulerJobs } from '../adapters/firestore/firestore-local-scheduler-jobs.ts';
import { trackInFlight } from './track-in-flight.ts';
import { useEmulators } from './use-emulators.ts';

export interface LocalStackOptions {
  projectId?: string;
  /** Use emulators that are already running (tests share one pair) instead of starting them. */
  emulators?: Pick<LocalEmulators, 'pubsubHost' | 'firestoreHost'>;
  /**
   * Extra environment for the pipeline (leases, model base URL ...). It is merged into
   * process.env, because the Google client libraries and @google/genai read it from there.
   */
  env?: Record<string, string>;
  port?: number;
  /** Wraps the dependencies before the handlers are built (tests inject faults this way). */
  decorate?: (deps: Deps) => Deps;
  /** Wraps the API's and the batch and schedule workers' deps (a benchmark's counters). */
  decorateApi?: <D extends ApiDeps>(deps: D) => D;
  /** Wraps each settled handler (tests count deliveries and acknowledgements this way). */
  wrapHandlers?: (handlers: Record<FunctionName, DeliveryHandler>) => Record<FunctionName, DeliveryHandler>;
  /**
   * The topology to create; default the deployed one. Tests lower delivery attempts with it
   * (the poison-message test), since a dead letter after 20 attempts takes minutes.
   */
  topology?: Topology;
  /**
   * Keep Firestore's data here between stacks (see `keepLocalData`), so runs, sessions and
   * memories outlive the stack, a crash of it included. Only for emulators this stack starts.
   */
  dataDir?: string;
  /** How often the stack publishes a sweep message, as Cloud Scheduler does every minute; 0 never. Default 10 s. */
  sweepIntervalMs?: number;
  /** How often the stack's scheduler clock looks at schedules' jobs (default 1 s). */
  schedulerTickMs?: number;
  /**
   * With `dataDir`: how often the data is saved while the stack runs (default 30 s; 0 only at a
   * graceful stop and when this process dies). What a crash of the emulators themselves can lose.
   */
  saveIntervalMs?: number;
  /** Problems that do not stop the stack (e.g. data could not be saved); default: stderr. */
  onWarning?: (message: string) => void;
}

export interface LocalStack {
  projectId: string;
  pubsubHost: string;
  firestoreHost: string;
  /** Base URL of the functions; the agents API answers at `<functionsUrl>/v1/...`. */
  functionsUrl: string;
  /** The secret local tokens for this stack's agents API are signed with (see mintLocalToken). */
  localAuthSecret: string;
  deps: ReturnType<typeof createGoogleDeps>;
  /** The emulators' processes, when this stack started them. */
  pids?: LocalEmulators['pids'];
  /**
   * Stops gracefully, in this order: stop taking work (pushes answered 503, the sweep, delay-queue
   * and save timers stopped), let running handlers finish (up to 5 s), freeze writes (so the save
   * holds every claim of an effect that went out), save the data, close the clients, stop the
   * emulators it started. Idempotent.
   */
  stop(): Promise<void>;
  /**
   * Stops at once, for exit paths where nothing asynchronous may run: the emulators' guardian
   * saves the data and stops them by itself. Idempotent.
   */
  kill(): Promise<void>;
}

const drainTimeoutMs = 5_000;

/**
 * The local stack (docs/architecture.md, "The local stack"): the real Pub/Sub and Firestore
 * emulators, all functions served in this process, push subscriptions from the shared topology
 * pointing at them (see `useEmulators` for why the hosts go into process.env), and a timer that
 * publishes sweep messages as Cloud Scheduler does in production.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const projectId = options.projectId ?? 'agentline-local';
  const warn = options.onWarning ?? ((message) => process.stderr.write(`${message}\n`));
  const closers: (() => Promise<void>)[] = [];
  let data: LocalData | undefined;
  let started: LocalEmulators | undefined;
  // Filled in as the parts that take work in exist.
  const stopTakingWork: (() => void)[] = [];
  let drain: (timeoutMs: number) => Promise<void> = async () => {};
  const freeze = createWriteFreeze();
  const closeAll = async () => {
    await Promise.all(closers.splice(0).reverse().map((close) => close().catch(() => {})));
    await started?.stop();
    data?.release();
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Nothing new starts: no delivery, no timer. What runs now is all there is; it may finish
      // (a model request a running handler claimed was counted when it claimed it).
      for (const refuse of stopTakingWork) refuse();
      data?.stopSaving();
      await drain(drainTimeoutMs);
      // Whatever is still running can commit nothing more, so the save holds every commit.
      freeze.freeze();
      if (data && started && !(await data.save())) {
        // The guardian saves again as it stops the emulators; the lock stays until this process exits.
        warn('the emulators are left to their guardian, which saves the data before it stops them');
        started.abandon();
        started = undefined;
        data = undefined;
      }
      await closeAll();
    })());
  const kill = () =>
    (stopping ??= (async () => {
      // The guardian saves and stops the emulators; the folder's lock stays until this process
      // exits, so a next stack waits for that save (the lock names the guardian).
      if (started) started.abandon();
      else data?.release();
      await Promise.all(closers.splice(0).map((close) => close().catch(() => {})));
    })());
  try {
    if (options.dataDir && !options.emulators) {
      data = await keepLocalData(options.dataDir, projectId, { warn, ...(options.saveIntervalMs !== undefined ? { saveIntervalMs: options.saveIntervalMs } : {}) });
    }
    started = options.emulators
      ? undefined
      : await startEmulators({ projectId, ...(data?.snapshot ? { firestoreImport: data.snapshot } : {}), ...(data ? { saveOnOwnerLoss: data.saveOnOwnerLoss } : {}) });
    if (data && started) await data.guardedBy(started.pids.guardian);
    const hosts = options.emulators ?? started!;
    useEmulators(hosts);
    Object.assign(process.env, options.env);
    // A local stack talks to agents on this machine (A2A test servers); production never does. The
    // emulator has no TTL policies, so the sweeper deletes expired run data.
    // The agents API and the submission step verify local tokens with this secret: the caller's,
    // or a new one per stack.
    const localAuthSecret = process.env['AGENTLINE_LOCAL_AUTH_SECRET'] ?? randomBytes(32).toString('base64url');
    // Files (artifacts) and code executions: in the data folder, kept with it; else a folder of
    // this stack's own, removed when it stops.
    const folders = await localFileFolders(options.dataDir);
    closers.push(folders.remove);
    // Code runs in detached job processes of this machine: say now, not at the first call, what
    // the sandbox lacks here (execute_code then answers each call with the same words).
    await detectSandbox().catch((error: unknown) => warn(`execute_code cannot run code on this machine: ${(error as Error).message}`));
    if (!existsSync(defaultChromiumPath)) warn(`browse cannot open pages on this machine: no Chromium at ${defaultChromiumPath} (README "Requirements")`);
    const env = {
      AGENTLINE_ARTIFACT_DIR: folders.artifacts,
      AGENTLINE_CODE_EXEC_DIR: folders.executions,
      AGENTLINE_OUTBOUND_ALLOW_LOOPBACK: 'true',
      // The local stack is the user's own machine: MCP toolsets may start stdio servers here.
      AGENTLINE_MCP_STDIO: 'true',
      // browse starts a Chromium of this machine in the tool step (deployed: the browser service).
      AGENTLINE_BROWSER: 'chromium',
      AGENTLINE_SWEEP_DELETES_EXPIRED: 'true',
      AGENTLINE_SWEEP_GRACE_SECONDS: '10',
      ...process.env,
      AGENTLINE_LOCAL_AUTH_SECRET: localAuthSecret,
      GOOGLE_CLOUD_PROJECT: projectId,
    };
    const deps = createGoogleDeps(loadConfig(env), env, { verifiesSubmissions: true });
    closers.push(() => deps.close());
    // Data an earlier version saved is brought up to date before anything reads it.
    if (data?.snapshot) reportMigration(await migrateFirestoreData(deps.firestore), warn);
    // The freeze wraps whatever the pipeline gets, a test's decorations included.
    const pipelineDeps = freeze.wrap(options.decorate ? options.decorate(deps) : deps);
    // Its timers would publish into a stack that is stopping; what they carried is re-driven by
    // the next stack's restart sweep, like every message the stack's Pub/Sub held.
    if (deps.delayQueue instanceof LocalDelayQueue) stopTakingWork.push(() => (deps.delayQueue as LocalDelayQueue).close());
    const handlers = createStepHandlers(pipelineDeps);
    const inFlight = trackInFlight(options.wrapHandlers ? options.wrapHandlers(handlers) : handlers);
    const schedulerJobs = new FirestoreLocalSchedulerJobs(deps.firestore);
    const createdApiDeps = { ...createApiDeps(loadConfig(env), deps), schedulerJobs };
    const apiDeps = options.decorateApi ? options.decorateApi(createdApiDeps) : createdApiDeps;
    closers.push(() => apiDeps.close());
    // API calls are drained and frozen like deliveries: one answered 200 is in the saved data.
    const apiHandlers = createApiHandlers(freeze.wrapApi(apiDeps));
    const apiInFlight = trackInFlight({ api: apiHandlers.api, deployAgent: apiHandlers.deployAgent, fireSchedule: apiHandlers.fireSchedule, syncScheduleJob: apiHandlers.syncScheduleJob, fanOutBatch: apiHandlers.fanOutBatch, advanceBatch: apiHandlers.advanceBatch });
    const callbackDeps = createCallbackDeps(loadConfig(env), pipelineDeps);
    closers.push(() => callbackDeps.close());
    const callbackInFlight = trackInFlight({ deliverCallback: createCallbackFunction(callbackDeps) });
    drain = async (timeoutMs) => void (await Promise.all([inFlight.drain(timeoutMs), apiInFlight.drain(timeoutMs), callbackInFlight.drain(timeoutMs)]));
    const names = [
      ...registerFunctions(() => inFlight.handlers),
      ...registerApiFunctions(() => apiInFlight.handlers),
      ...registerCallbackFunction(() => callbackInFlight.handlers.deliverCallback),
    ];
    const server = await startFunctionServer({ functionNames: names, api: apiInFlight.handlers.api, ...(options.port ? { port: options.port } : {}) });
    closers.push(() => server.close());
    stopTakingWork.push(() => server.refuseNew());
    const topology = options.topology ?? deployedTopology;
    // Without retry policies: the emulator's stall redelivery (see ensureTopology).
    await ensureTopology(deps.pubsub, topology, (functionName, topic) => server.pushEndpoint(functionName, projectId, topic), { retryPolicies: false });
    await data?.started({ guardianPid: started?.pids.guardian, functionsUrl: server.url, firestoreHost: hosts.firestoreHost });
    // What the previous stack on this data left in flight died with its emulators: re-drive it
    // now. Safe only because this stack holds the data folder, so no other process runs steps.
    if (data) await sweep(pipelineDeps, { recoverAll: true });
    const timer = startSweepTimer(deps.pubsub, topology.sweepTopic, options.sweepIntervalMs ?? 10_000, warn);
    closers.push(async () => timer.stop());
    stopTakingWork.push(() => timer.stop());
    // Cloud Scheduler's part: schedules' jobs ticked by this process's clock.
    const clock = startLocalSchedulerClock({
      jobs: schedulerJobs,
      publish: (message) => deps.pubsub.topic(topology.scheduleFiresTopic).publishMessage({ json: message }),
      intervalMs: options.schedulerTickMs ?? 1_000,
      warn,
    });
    closers.push(async () => clock.stop());
    stopTakingWork.push(() => clock.stop());
    return {
      projectId,
      pubsubHost: hosts.pubsubHost,
      firestoreHost: hosts.firestoreHost,
      functionsUrl: server.url,
      localAuthSecret,
      deps,
      ...(started ? { pids: started.pids } : {}),
      stop,
      kill,
    };
  } catch (error) {
    await kill();
    throw error;
  }
}

function reportMigration(report: MigrationReport, warn: (message: string) => void): void {
  if (report.agentsListed + report.creatorsCounted + report.sessionEntriesMoved === 0) return;
  warn(`brought the saved data up to date: ${JSON.stringify(report)}`);
}

/** What ended code executions leave in a data folder is kept this long (their logs, to read), then pruned. */
const endedExecutionsKeptMs = 7 * 24 * 3_600_000;

/**
 * The stack's folders of files and code executions. In a data folder they are kept, and
 * executions still running go on across a restart (pruned of old ended ones at start); else a
 * folder of this stack's own, whose executions are cancelled before it is removed at stop.
 */
async function localFileFolders(dataDir: string | undefined): Promise<{ artifacts: string; executions: string; remove: () => Promise<void> }> {
  if (dataDir) {
    const executions = join(dataDir, 'executions');
    await new LocalCodeJobLauncher(executions, {}).prune(endedExecutionsKeptMs);
    return { artifacts: join(dataDir, 'artifacts'), executions, remove: async () => {} };
  }
  const root = await mkdtemp(join(tmpdir(), 'agentline-files-'));
  const executions = join(root, 'executions');
  const remove = async () => {
    await new LocalCodeJobLauncher(executions, {}).cancelAll();
    await rm(root, { recursive: true, force: true });
  };
  return { artifacts: join(root, 'artifacts'), executions, remove };
}
