import { GoogleIdTokenAuthenticator } from '../adapters/auth/google-id-token-authenticator.ts';
import { LocalTokenAuthenticator } from '../adapters/auth/local-token-authenticator.ts';
import { InvalidInputError } from '../domain/errors.ts';
import type { Authenticator } from '../ports/authenticator.ts';
import type { Config } from './load-config.ts';

/**
 * The token scheme of this deployment (AGENTLINE_AUTH), shared by the agents API and the
 * submission step: Google ID tokens for AGENTLINE_AUTH_AUDIENCE, or local tokens. Throws one
 * InvalidInputError naming the missing setting.
 */
export function createAuthenticator(config: Config): Authenticator {
  if (config.AGENTLINE_AUTH === 'google') {
    if (!config.AGENTLINE_AUTH_AUDIENCE) throw new InvalidInputError('Invalid environment: AGENTLINE_AUTH_AUDIENCE is required when AGENTLINE_AUTH=google');
    return new GoogleIdTokenAuthenticator(config.AGENTLINE_AUTH_AUDIENCE, config.AGENTLINE_ADMINS);
  }
  return new LocalTokenAuthenticator(localAuthSecret(config), config.AGENTLINE_ADMINS);
}

export function localAuthSecret(config: Config): string {
  if (!config.AGENTLINE_LOCAL_AUTH_SECRET) {
    throw new InvalidInputError(
      'Invalid environment: AGENTLINE_LOCAL_AUTH_SECRET is required when AGENTLINE_AUTH=local (agentline dev keeps one in ~/.agentline/local-auth-secret)',
    );
  }
  return config.AGENTLINE_LOCAL_AUTH_SECRET;
}
