import { randomBytes } from 'node:crypto';
import { topology as deployedTopology, type Topology } from '../../infra/topology.ts';
import { registerApiFunctions } from '../../functions/register-api-functions.ts';
import { createApiDeps } from '../wiring/create-api-deps.ts';
import { createApiHandlers } from '../wiring/create-api-handlers.ts';
import { ensureTopology } from '../adapters/pubsub/ensure-topology.ts';
import { registerFunctions } from '../../functions/register-functions.ts';
import type { Deps } from '../steps/step-deps.ts';
import type { DeliveryHandler } from '../steps/settle-delivery.ts';
import { createStepHandlers, type FunctionName } from '../wiring/create-step-handlers.ts';
import { createGoogleDeps } from '../wiring/create-google-deps.ts';
import { loadConfig } from '../wiring/load-config.ts';
import { startEmulators, type LocalEmulators } from './emulators.ts';
import { startFunctionServer } from './function-server.ts';
import { latestFirestoreSnapshot, saveFirestoreSnapshot } from './firestore-snapshots.ts';
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
  /** Wraps each settled handler (tests count deliveries and acknowledgements this way). */
  wrapHandlers?: (handlers: Record<FunctionName, DeliveryHandler>) => Record<FunctionName, DeliveryHandler>;
  /**
   * The topology to create; default the deployed one. Tests lower delivery attempts with it
   * (the poison-message test), since a dead letter after 20 attempts takes minutes.
   */
  topology?: Topology;
  /**
   * Keep Firestore's data here between stacks (loaded at start, saved by a graceful stop), so
   * sessions and memories outlive the stack. Only for emulators this stack starts.
   */
  dataDir?: string;
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
  /**
   * Stops gracefully: lets running handlers finish (up to a few seconds), then closes the
   * function server, the clients and the emulators it started. Idempotent.
   */
  stop(): Promise<void>;
  /**
   * Stops at once, for Ctrl-C and process exit: the emulators' SIGTERM is sent synchronously,
   * because on exit only the synchronous part of a cleanup runs. Idempotent.
   */
  kill(): Promise<void>;
}

const drainTimeoutMs = 5_000;

/**
 * The local stack of ARCHITECTURE.md section 8: the real Pub/Sub and Firestore emulators, all
 * functions served in this process, and push subscriptions from the shared topology pointing
 * at them (see `useEmulators` for why the hosts go into process.env).
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const projectId = options.projectId ?? 'agentline-local';
  const snapshot = options.dataDir && !options.emulators ? await latestFirestoreSnapshot(options.dataDir) : undefined;
  const started = options.emulators ? undefined : await startEmulators({ projectId, ...(snapshot ? { firestoreImport: snapshot } : {}) });
  const hosts = options.emulators ?? started!;
  const closers: (() => Promise<void>)[] = [];
  let drain: (timeoutMs: number) => Promise<void> = async () => {};
  const closeAll = async () => {
    await Promise.all(closers.splice(0).reverse().map((close) => close().catch(() => {})));
    await started?.stop();
  };
  let stopping: Promise<void> | undefined;
  const save = async () => {
    if (!started || !options.dataDir) return;
    await saveFirestoreSnapshot(started.firestoreHost, projectId, options.dataDir).catch((error: unknown) =>
      (options.onWarning ?? ((message) => process.stderr.write(`${message}\n`)))(
        `warning: local Firestore data was not saved to ${options.dataDir}: ${(error as Error).message}`,
      ),
    );
  };
  const stop = () => (stopping ??= drain(drainTimeoutMs).then(save).then(closeAll));
  const kill = () => (stopping ??= Promise.all([started?.stop(), closeAll()]).then(() => {}));
  try {
    useEmulators(hosts);
    Object.assign(process.env, options.env);
    // A local stack talks to agents on this machine (A2A test servers); production never does.
    const env = { AGENTLINE_OUTBOUND_ALLOW_LOOPBACK: 'true', ...process.env, GOOGLE_CLOUD_PROJECT: projectId };
    // The agents API verifies local tokens with this secret: the caller's, or a new one per stack.
    const localAuthSecret = process.env['AGENTLINE_LOCAL_AUTH_SECRET'] ?? randomBytes(32).toString('base64url');
    const deps = createGoogleDeps(loadConfig(env), env);
    closers.push(() => deps.close());
    const handlers = createStepHandlers(options.decorate ? options.decorate(deps) : deps);
    const inFlight = trackInFlight(options.wrapHandlers ? options.wrapHandlers(handlers) : handlers);
    drain = inFlight.drain;
    const apiDeps = createApiDeps(loadConfig({ AGENTLINE_LOCAL_AUTH_SECRET: localAuthSecret, ...env }), deps);
    closers.push(() => apiDeps.close());
    const apiHandlers = createApiHandlers(apiDeps);
    const apiInFlight = trackInFlight({ deployAgent: apiHandlers.deployAgent });
    const drainSteps = drain;
    drain = async (timeoutMs) => void (await Promise.all([drainSteps(timeoutMs), apiInFlight.drain(timeoutMs)]));
    const names = [
      ...registerFunctions(() => inFlight.handlers),
      ...registerApiFunctions(() => ({ api: apiHandlers.api, deployAgent: apiInFlight.handlers.deployAgent })),
    ];
    const server = await startFunctionServer({ functionNames: names, apiFunction: 'agentsApi', ...(options.port ? { port: options.port } : {}) });
    closers.push(() => server.close());
    // Without retry policies: the emulator's stall redelivery (see ensureTopology).
    await ensureTopology(
      deps.pubsub,
      options.topology ?? deployedTopology,
      (functionName, topic) => server.pushEndpoint(functionName, projectId, topic),
      { retryPolicies: false },
    );
    return {
      projectId,
      pubsubHost: hosts.pubsubHost,
      firestoreHost: hosts.firestoreHost,
      functionsUrl: server.url,
      localAuthSecret,
      deps,
      stop,
      kill,
    };
  } catch (error) {
    await kill();
    throw error;
  }
}
