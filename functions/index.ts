import { createApiDeps } from '../shared/wiring/create-api-deps.ts';
import { createApiHandlers, type ApiHandlers } from '../shared/wiring/create-api-handlers.ts';
import { createStepHandlers } from '../shared/wiring/create-step-handlers.ts';
import { createGoogleDeps } from '../shared/wiring/create-google-deps.ts';
import { loadConfig } from '../shared/wiring/load-config.ts';
import { registerApiFunctions } from './register-api-functions.ts';
import { registerFunctions } from './register-functions.ts';

/**
 * Entry point of the deployed functions (and of the local stack's function server): every step
 * function, the agents API and the deploy worker registered by name; the composition roots run
 * once, on the first event or request.
 */
let googleDeps: ReturnType<typeof createGoogleDeps> | undefined;
let handlers: ReturnType<typeof createStepHandlers> | undefined;
let apiHandlers: ApiHandlers | undefined;
const config = () => loadConfig();
const deps = () => (googleDeps ??= createGoogleDeps(config()));

registerFunctions(() => (handlers ??= createStepHandlers(deps())));
registerApiFunctions(() => (apiHandlers ??= createApiHandlers(createApiDeps(config(), deps()))));
