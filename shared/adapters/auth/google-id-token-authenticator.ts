import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { Caller } from '../../domain/agents/permissions.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import type { Authenticator } from '../../ports/authenticator.ts';
import { bearerToken } from './bearer-token.ts';
import { verifyJwt } from './verify-jwt.ts';

/** Google's published ID-token signing keys (JWK form of https://www.googleapis.com/oauth2/v1/certs). */
export const googleIdTokenKeysUrl = 'https://www.googleapis.com/oauth2/v3/certs';
const googleIssuers = ['accounts.google.com', 'https://accounts.google.com'];

/**
 * Production callers: Google-signed ID tokens (`gcloud auth print-identity-token
 * --audiences=<AGENTLINE_AUTH_AUDIENCE>`) for the configured audience; the user id is the
 * verified email. Verified with jose against Google's key set (fetched and cached by jose, which
 * re-fetches for a key id it has not seen) rather than google-auth-library's verifyIdToken,
 * because a submission's token must be checked at the message's publish time and that method
 * only checks against the present.
 */
export class GoogleIdTokenAuthenticator implements Authenticator {
  readonly #keys: JWTVerifyGetKey;
  readonly #audience: string;
  readonly #admins: ReadonlySet<string>;

  /** `keysUrl` is Google's in production; tests serve a key set of their own. */
  constructor(audience: string, admins: readonly string[], keysUrl = googleIdTokenKeysUrl) {
    this.#keys = createRemoteJWKSet(new URL(keysUrl));
    this.#audience = audience;
    this.#admins = new Set(admins);
  }

  async authenticate(authorizationHeader: string | undefined, options: { at?: number } = {}): Promise<Caller> {
    const token = bearerToken(authorizationHeader);
    const payload = await verifyJwt(
      token,
      this.#keys,
      { algorithms: ['RS256'], issuer: googleIssuers, audience: this.#audience, requiredClaims: ['exp', 'iat'], at: options.at },
      'a valid Google ID token for this deployment',
    );
    if (typeof payload['email'] !== 'string' || payload['email_verified'] !== true) {
      throw new UnauthenticatedError('The Google ID token carries no verified email; mint it with an account that has one');
    }
    return { userId: payload['email'], admin: this.#admins.has(payload['email']) };
  }
}
