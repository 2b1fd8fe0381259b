import type { Caller } from '../domain/agents/permissions.ts';

/**
 * Identifies a caller from an `Authorization` value: the API's callers from their request header,
 * a run's submitter from the `authorization` attribute of its submission message.
 */
export interface Authenticator {
  /**
   * Verifies the bearer token (signature, algorithm, issuer, audience, expiry) and returns the
   * caller. `at` is the moment the token must be valid at (default now): a submission's is its
   * publish time, so a token valid when it was published stays valid however late — and however
   * often — the message is delivered, and every delivery derives the same identity.
   * @throws UnauthenticatedError when the value is absent, not `Bearer <token>`, or the token fails verification.
   * @throws TransientError when the keys to verify it with cannot be fetched now.
   */
  authenticate(authorizationHeader: string | undefined, options?: { at?: number }): Promise<Caller>;
}
