import { createStepHandlers } from '../shared/wiring/create-step-handlers.ts';
import { createGoogleDeps } from '../shared/wiring/create-google-deps.ts';
import { loadConfig } from '../shared/wiring/load-config.ts';
import { registerFunctions } from './register-functions.ts';

/**
 * Entry point of the deployed functions (and of the local stack's function server): every step
 * function registered by name; the composition root runs once, on the first event.
 */
let handlers: ReturnType<typeof createStepHandlers> | undefined;

registerFunctions(() => (handlers ??= createStepHandlers(createGoogleDeps(loadConfig()))));
