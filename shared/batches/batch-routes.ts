import type { ApiRoute } from '../agents-api/api-routes.ts';
import { requireEmptyBody } from '../agents-api/request-parameters.ts';
import { cancelBatch, createBatch, getBatch, listBatches, reportBatch } from './batch-methods.ts';

/** The batch methods (README, "Batches"): authenticated like every API method. */
export const batchRoutes: readonly ApiRoute[] = [
  { method: 'POST', path: '/v1/batches', handle: (deps, call) => createBatch(deps, call.caller, call.query('batches.create', ['requestId'])['requestId'], call.request.body) },
  { method: 'GET', path: '/v1/batches', handle: (deps, call) => listBatches(deps, call.caller, call.query('batches.list', ['pageSize', 'pageToken'])) },
  { method: 'GET', path: '/v1/batches/:batch', handle: (deps, call) => (call.query('batches.get'), getBatch(deps, call.caller, call.param('batch'))) },
  {
    method: 'POST',
    path: '/v1/batches/:batch/~cancel',
    handle: (deps, call) => {
      call.query('batches.cancel');
      requireEmptyBody(call.request.body, 'batches.cancel');
      return cancelBatch(deps, call.caller, call.param('batch'));
    },
  },
  { method: 'GET', path: '/v1/batches/:batch/report', handle: (deps, call) => reportBatch(deps, call.caller, call.param('batch'), call.query('batches.report', ['pageSize', 'pageToken'])) },
];
