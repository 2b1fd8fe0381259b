import { AgentlineError, TransientError } from '../domain/errors.ts';
import { retryDelayMs } from '../domain/retry-delay.ts';
import type { Step } from '../domain/step.ts';
import type { Deps } from './deps.ts';
import { releaseAttempt, waitUntil } from './hand-back.ts';
import type { StepEffect } from './step-kind.ts';

/** The effect will be tried again later; nothing to commit now. */
export const retried = Symbol('retried');

/**
 * Decides what an effect's error means (docs/architecture.md, "Effect outcomes"): another attempt
 * later (transient, attempts left in a row), the kind's value for a failure (permanent, or
 * attempts used up), or — for an error the executor does not recognise (a bug, the store
 * unreachable) — the attempt released and the error thrown, so Pub/Sub redelivers the message
 * and, after its attempts, dead-letters it.
 */
export async function settleEffectFailure(
  deps: Pick<Deps, 'store' | 'clock' | 'delayQueue' | 'logger' | 'settings'>,
  effect: StepEffect<unknown>,
  step: Step,
  error: unknown,
  settleOnly: boolean,
): Promise<unknown> {
  if (error instanceof TransientError) {
    const attempts = (step.failedAttempts ?? 0) + 1;
    if (attempts < Math.min(effect.maxFailedAttempts, effect.attemptLimitFor?.(error) ?? Infinity)) {
      const { retryBaseDelayMs: baseMs, retryMaxDelayMs: maxMs } = deps.settings;
      const delayMs = retryDelayMs(attempts, { baseMs, maxMs }, error.retryDelayMs);
      deps.logger.warn('step attempt failed, will retry', { runId: step.runId, stepId: step.stepId, attempt: step.attempt, code: error.code, delayMs });
      await waitUntil(deps, step, { code: error.code, message: error.message }, deps.clock.now() + delayMs, { failedAttempts: attempts });
      return retried;
    }
    return effect.failed({ step, error, attempts, exhausted: true, settleOnly });
  }
  if (error instanceof AgentlineError && !error.retryable) return effect.failed({ step, error, attempts: (step.failedAttempts ?? 0) + 1, exhausted: false, settleOnly });
  await releaseAttempt(deps, step, error);
  throw error;
}

/**
 * The error of attempts that kept dying: each claimed the step and neither committed nor handed
 * it back before its lease ended (the process crashed, hung or was stopped during the effect).
 */
export function attemptsDiedError(step: Step, attempts: number): TransientError {
  return new TransientError(
    `${attempts} attempts of step ${step.stepId} in a row did not finish within their lease: their process crashed, hung or was stopped during the effect`,
    { code: 'ATTEMPTS_DIED' },
  );
}

/**
 * An error that is not the effect's own (the store could not be read while preparing it): the
 * executor releases the attempt and lets Pub/Sub redeliver, instead of counting it against the
 * effect (a model request that was never sent is not a failed request).
 */
export class InfrastructureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfrastructureError';
  }
}
