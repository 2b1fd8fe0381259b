import type { ApiDeps } from '../agents-api/api-deps.ts';
import type { DeploymentChecks } from '../agents-api/decide-deployment.ts';
import { createApiApp, type ApiFetch } from '../agents-api/api-app.ts';
import { createDeployHandler } from '../agents-api/handle-deploy.ts';
import type { RunStore } from '../ports/run-store.ts';
import { settleDelivery, type DeliveryHandler } from '../engine/settle-delivery.ts';

/** The agent registry's two entry points: the HTTP API and the deploy worker. */
export interface ApiHandlers {
  /** The HTTP API as a fetch handler (served by Node in the service and the local stack). */
  api: ApiFetch;
  deployAgent: DeliveryHandler;
}

/** Builds both from one set of deps (the local stack and tests, where one process serves both). */
export function createApiHandlers(deps: ApiDeps & DeploymentChecks & { store: RunStore }): ApiHandlers {
  return { api: createAgentsApiHandler(deps), deployAgent: createDeployWorkerHandler(deps) };
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
