import type { DeliveryHandler } from '../shared/engine/settle-delivery.ts';
import { createApiDeps, createDeployWorkerDeps } from '../shared/wiring/create-api-deps.ts';
import { createAgentsApiHandler, createDeployWorkerHandler, type ApiHandlers } from '../shared/wiring/create-api-handlers.ts';
import { createStepHandlers } from '../shared/wiring/create-step-handlers.ts';
import { createGoogleDeps } from '../shared/wiring/create-google-deps.ts';
import { createCallbackDeps, createCallbackFunction } from '../shared/wiring/create-callback-deps.ts';
import { loadConfig } from '../shared/wiring/load-config.ts';
import { registerApiFunctions } from './register-api-functions.ts';
import { registerCallbackFunction } from './register-callback-function.ts';
import { registerFunctions } from './register-functions.ts';

/**
 * Entry point of the deployed functions (and of the local stack's function server): every step
 * function, the agents API and the deploy worker registered by name; the composition roots run
 * once, on the first event or request. The agents API and the deploy worker are built apart, so
 * the deploy worker starts without the API's page-token key, which only the API is given; the
 * callback function is built apart too, as the only reader of the callback signing key.
 */
let googleDeps: ReturnType<typeof createGoogleDeps> | undefined;
let handlers: ReturnType<typeof createStepHandlers> | undefined;
let api: ApiHandlers['api'] | undefined;
let deployWorker: ApiHandlers['deployAgent'] | undefined;
let callbackHandler: DeliveryHandler | undefined;
const config = () => loadConfig();
// The submission step verifies tokens: incomplete auth settings fail every function's first event.
const deps = () => (googleDeps ??= createGoogleDeps(config(), process.env, { verifiesSubmissions: true }));
const apiHandlers: ApiHandlers = {
  api: (request) => (api ??= createAgentsApiHandler(createApiDeps(config(), deps())))(request),
  deployAgent: (delivery) => (deployWorker ??= createDeployWorkerHandler(createDeployWorkerDeps(config(), deps())))(delivery),
};

registerFunctions(() => (handlers ??= createStepHandlers(deps())));
registerApiFunctions(() => apiHandlers);
registerCallbackFunction(() => (callbackHandler ??= createCallbackFunction(createCallbackDeps(config(), deps()))));
