import type { OAuth2Client } from 'google-auth-library';
import type { Caller } from '../../domain/agents/permissions.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import type { Authenticator } from '../../ports/authenticator.ts';
import { bearerToken } from './bearer-token.ts';

/**
 * Production callers: Google-signed ID tokens (`gcloud auth print-identity-token
 * --audiences=<AGENTLINE_AUTH_AUDIENCE>`), verified by google-auth-library against Google's
 * certificates, for the configured audience. The user id is the verified email.
 */
export class GoogleIdTokenAuthenticator implements Authenticator {
  readonly #client: OAuth2Client;
  readonly #audience: string;
  readonly #admins: ReadonlySet<string>;

  constructor(client: OAuth2Client, audience: string, admins: readonly string[]) {
    this.#client = client;
    this.#audience = audience;
    this.#admins = new Set(admins);
  }

  async authenticate(authorizationHeader: string | undefined): Promise<Caller> {
    const idToken = bearerToken(authorizationHeader);
    let payload;
    try {
      payload = (await this.#client.verifyIdToken({ idToken, audience: this.#audience })).getPayload();
    } catch (error) {
      throw new UnauthenticatedError(`The bearer token is not a valid Google ID token for this API: ${(error as Error).message}`, { cause: error });
    }
    if (!payload?.email || payload.email_verified !== true) {
      throw new UnauthenticatedError('The Google ID token carries no verified email; mint it with an account that has one');
    }
    return { userId: payload.email, admin: this.#admins.has(payload.email) };
  }
}
