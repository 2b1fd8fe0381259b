import type { ApiDeps } from '../agents-api/api-deps.ts';
import type { DeploymentChecks } from '../agents-api/decide-deployment.ts';
import { handleApiRequest, type ApiRequest, type ApiResponse } from '../agents-api/handle-api-request.ts';
import { createDeployHandler } from '../agents-api/handle-deploy.ts';
import type { RunStore } from '../ports/run-store.ts';
import { settleDelivery, type DeliveryHandler } from '../engine/settle-delivery.ts';

/** The agent registry's two entry points: the HTTP API and the deploy worker. */
export interface ApiHandlers {
  api(request: ApiRequest): Promise<ApiResponse>;
  deployAgent: DeliveryHandler;
}

/** Builds them; the deploy worker sits behind the same delivery edge as the step functions. */
export function createApiHandlers(deps: ApiDeps & DeploymentChecks & { store: RunStore }): ApiHandlers {
  return {
    api: (request) => handleApiRequest(deps, request),
    deployAgent: settleDelivery(createDeployHandler(deps), deps),
  };
}
