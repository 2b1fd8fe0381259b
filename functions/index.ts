import { batchPolicyOf, createDeployWorkerDeps, schedulerJobsOf } from '../shared/wiring/create-api-deps.ts';
import { createBatchHandlers, createDeployWorkerHandler, createScheduleHandlers, type ApiHandlers } from '../shared/wiring/create-api-handlers.ts';
import { FirestoreBatchStore } from '../shared/adapters/firestore/firestore-batch-store.ts';
import { retentionFromConfig } from '../shared/wiring/step-settings-from-config.ts';
import type { DeliveryHandler } from '../shared/engine/settle-delivery.ts';
import { createStepHandlers } from '../shared/wiring/create-step-handlers.ts';
import { createGoogleDeps } from '../shared/wiring/create-google-deps.ts';
import { createCallbackDeps, createCallbackFunction } from '../shared/wiring/create-callback-deps.ts';
import { loadConfig } from '../shared/wiring/load-config.ts';
import { registerApiFunctions } from './register-api-functions.ts';
import { registerCallbackFunction } from './register-callback-function.ts';
import { registerFunctions } from './register-functions.ts';

/**
 * Entry point of the deployed functions (and of the local stack's function server): every step
 * function and the deploy worker registered by name; the composition roots run once, on the
 * first event. The HTTP API is a service of its own (functions/api-service.ts), so the deploy
 * worker starts without the API's page-token key, which only the API is given; the
 * callback function is built apart too, as the only reader of the callback signing key.
 */
let googleDeps: ReturnType<typeof createGoogleDeps> | undefined;
let handlers: ReturnType<typeof createStepHandlers> | undefined;
let deployWorker: ApiHandlers['deployAgent'] | undefined;
let scheduleWorkers: Pick<ApiHandlers, 'fireSchedule' | 'syncScheduleJob'> | undefined;
let batchWorkers: Pick<ApiHandlers, 'fanOutBatch' | 'advanceBatch'> | undefined;
let callbackHandler: DeliveryHandler | undefined;
const config = () => loadConfig();
// The submission step verifies tokens: incomplete auth settings fail every function's first event.
const deps = () => (googleDeps ??= createGoogleDeps(config(), process.env, { verifiesSubmissions: true }));

registerFunctions(() => (handlers ??= createStepHandlers(deps())));
const batchStore = () => new FirestoreBatchStore(deps().firestore, retentionFromConfig(config()));
const schedules = () =>
  (scheduleWorkers ??= createScheduleHandlers({ ...createDeployWorkerDeps(config(), deps()), schedulerJobs: schedulerJobsOf(config(), deps().firestore), batches: batchStore() }));
const batches = () => (batchWorkers ??= createBatchHandlers({ ...createDeployWorkerDeps(config(), deps()), batches: batchStore(), batchPolicy: batchPolicyOf(config()) }));
registerApiFunctions(() => ({
  deployAgent: (delivery) => (deployWorker ??= createDeployWorkerHandler(createDeployWorkerDeps(config(), deps())))(delivery),
  fireSchedule: (delivery) => schedules().fireSchedule(delivery),
  syncScheduleJob: (delivery) => schedules().syncScheduleJob(delivery),
  fanOutBatch: (delivery) => batches().fanOutBatch(delivery),
  advanceBatch: (delivery) => batches().advanceBatch(delivery),
}));
registerCallbackFunction(() => (callbackHandler ??= createCallbackFunction(createCallbackDeps(config(), deps()))));
