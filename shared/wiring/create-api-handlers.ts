import type { ApiDeps } from '../agents-api/api-deps.ts';
import type { DeploymentChecks } from '../agents-api/decide-deployment.ts';
import { createApiApp, type ApiFetch } from '../agents-api/api-app.ts';
import { createDeployHandler } from '../agents-api/handle-deploy.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { SchedulerJobs } from '../ports/scheduler-jobs.ts';
import { createFireScheduleHandler } from '../agents-api/fire-schedule.ts';
import { createAdvanceBatchHandler } from '../batches/advance-batch.ts';
import { createFanOutBatchHandler } from '../batches/fan-out-batch.ts';
import { readBatchSource } from '../adapters/batch-source/read-batch-source.ts';
import { openBatchSource } from '../adapters/batch-source/gcs-batch-source.ts';
import { Storage } from '@google-cloud/storage';
import { createSyncScheduleJobHandler } from '../agents-api/sync-schedule-job.ts';
import { settleDelivery, type DeliveryHandler } from '../engine/settle-delivery.ts';

/** The agent registry's entry points: the HTTP API, the deploy worker and the schedules' two workers. */
export interface ApiHandlers {
  /** The HTTP API as a fetch handler (served by Node in the service and the local stack). */
  api: ApiFetch;
  deployAgent: DeliveryHandler;
  fireSchedule: DeliveryHandler;
  syncScheduleJob: DeliveryHandler;
  fanOutBatch: DeliveryHandler;
  advanceBatch: DeliveryHandler;
}

/** Builds them all from one set of deps (the local stack and tests, where one process serves them). */
export function createApiHandlers(deps: ApiDeps & DeploymentChecks & ScheduleWorkerDeps): ApiHandlers {
  return { api: createAgentsApiHandler(deps), deployAgent: createDeployWorkerHandler(deps), ...createScheduleHandlers(deps), ...createBatchHandlers(deps) };
}

/** What the batch workers run on: the batches, the runs (an item's outcome), the outbox. */
export type BatchWorkerDeps = Pick<ApiDeps, 'batches' | 'clock' | 'logger' | 'queue' | 'outbox' | 'batchPolicy'> & { store: RunStore };

/** Batch sources read from local files and, with a client built on first use, Cloud Storage. */
function readWithCloudStorage(): typeof readBatchSource {
  let storage: Storage | undefined;
  const open = openBatchSource(() => (storage ??= new Storage()));
  return (source, from, maxItems) => readBatchSource(source, from, maxItems, open);
}

/** `fanOutBatch` and `advanceBatch` (docs/architecture.md, "Batches"), behind the delivery edge. */
export function createBatchHandlers(deps: BatchWorkerDeps, readSource = readWithCloudStorage()): Pick<ApiHandlers, 'fanOutBatch' | 'advanceBatch'> {
  const batchDeps = { ...deps, runs: deps.store, readSource };
  return {
    fanOutBatch: settleDelivery(createFanOutBatchHandler(batchDeps), deps),
    advanceBatch: settleDelivery(createAdvanceBatchHandler(batchDeps), deps),
  };
}

/** What the schedule workers run on: the registry and its outbox, the runs (overlap), the jobs. */
export type ScheduleWorkerDeps = Pick<ApiDeps, 'registry' | 'clock' | 'logger' | 'queue' | 'outbox' | 'batches'> & { store: RunStore; schedulerJobs: SchedulerJobs };

/** `fireSchedule` and `syncScheduleJob` (docs/architecture.md, "Schedules"), behind the delivery edge. */
export function createScheduleHandlers(deps: ScheduleWorkerDeps): Pick<ApiHandlers, 'fireSchedule' | 'syncScheduleJob'> {
  return {
    fireSchedule: settleDelivery(createFireScheduleHandler({ ...deps, runs: deps.store }), deps),
    syncScheduleJob: settleDelivery(createSyncScheduleJobHandler(deps), deps),
  };
}

/** The HTTP API. */
export function createAgentsApiHandler(deps: ApiDeps): ApiHandlers['api'] {
  return createApiApp(deps);
}

/** The deploy worker, behind the same delivery edge as the step functions. */
export function createDeployWorkerHandler(
  deps: Pick<ApiDeps, 'registry' | 'clock' | 'logger' | 'queue' | 'outbox'> & DeploymentChecks & { store: RunStore },
): DeliveryHandler {
  return settleDelivery(createDeployHandler(deps), deps);
}
