import type { Caller } from '../domain/agents/permissions.ts';

/** Identifies the caller of the API from its `Authorization` header. */
export interface Authenticator {
  /**
   * Verifies the bearer token (signature, expiry, audience) and returns the caller.
   * @throws UnauthenticatedError when the header is absent, not `Bearer <token>`, or the token fails verification.
   */
  authenticate(authorizationHeader: string | undefined): Promise<Caller>;
}
