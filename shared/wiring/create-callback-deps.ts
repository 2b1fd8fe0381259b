import { createGuardedFetch } from '../adapters/http/guarded-fetch.ts';
import { HttpCallbackSender } from '../adapters/http/http-callback-sender.ts';
import { localCallbackSigningKey } from '../domain/callback-secret.ts';
import { InvalidInputError } from '../domain/errors.ts';
import type { Deps } from '../engine/deps.ts';
import { settleDelivery, type DeliveryHandler } from '../engine/settle-delivery.ts';
import { createCallbackHandler, type CallbackDeps } from '../steps/handle-callback.ts';
import { localAuthSecret } from './create-authenticator.ts';
import type { Config } from './load-config.ts';

type CallbackBase = Pick<Deps, 'store' | 'callbacks' | 'delayQueue' | 'clock' | 'logger' | 'settings'>;

/** Callback responses are discarded; a receiver declaring more than this is refused (its answer is not a receipt). */
const maxCallbackResponseBytes = 1024 * 1024;

/**
 * The composition root of the callback function, on top of the pipeline's deps: the signing key
 * (which no other function is given) and a guarded fetch whose timeout is one callback attempt's.
 * Throws one InvalidInputError when the key is missing where it must be configured.
 */
export function createCallbackDeps(config: Config, base: CallbackBase): CallbackDeps & Pick<Deps, 'store'> & { close(): Promise<void> } {
  const guarded = createGuardedFetch({
    allowLoopback: config.AGENTLINE_OUTBOUND_ALLOW_LOOPBACK,
    timeoutMs: base.settings.callback.timeoutMs,
    maxResponseBytes: maxCallbackResponseBytes,
  });
  return {
    store: base.store,
    callbacks: base.callbacks,
    delayQueue: base.delayQueue,
    clock: base.clock,
    logger: base.logger,
    settings: base.settings,
    sender: new HttpCallbackSender(guarded.fetch),
    signingKey: callbackSigningKey(config),
    random: Math.random,
    close: () => guarded.close(),
  };
}

/** The callback function behind the same delivery edge as every Pub/Sub-triggered function. */
export function createCallbackFunction(deps: CallbackDeps & Pick<Deps, 'store'>): DeliveryHandler {
  return settleDelivery(createCallbackHandler(deps), deps);
}

/**
 * The master key of callback secrets: configured (a Secret Manager secret in production), else,
 * for a local deployment only, derived from the local auth secret, as `agentline callbacks secret`
 * derives it.
 */
export function callbackSigningKey(config: Config): string {
  if (config.AGENTLINE_CALLBACK_SIGNING_KEY) return config.AGENTLINE_CALLBACK_SIGNING_KEY;
  if (config.AGENTLINE_AUTH === 'local') return localCallbackSigningKey(localAuthSecret(config));
  throw new InvalidInputError('Invalid environment: AGENTLINE_CALLBACK_SIGNING_KEY is required when AGENTLINE_AUTH=google');
}
