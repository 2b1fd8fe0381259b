import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { TransientError, UnauthenticatedError } from '../../domain/errors.ts';

/**
 * Verifies a JWT with jose and sorts its failures by who must act: a token that fails
 * verification (signature, algorithm, issuer, audience, expiry, unknown key) is UNAUTHENTICATED
 * for good; keys that cannot be fetched now are transient, so a submission is delivered again
 * rather than refused for an outage of the key server. `what` names the token kind in errors.
 */
export async function verifyJwt(
  token: string,
  key: Uint8Array | JWTVerifyGetKey,
  options: JWTVerifyOptions & { at?: number | undefined },
  what: string,
): Promise<JWTPayload> {
  const { at, ...verifyOptions } = options;
  try {
    // Two calls because jwtVerify's overloads take a key or a key getter, not a union of both.
    const timed = withTime(verifyOptions, at);
    const verified = key instanceof Uint8Array ? await jwtVerify(token, key, timed) : await jwtVerify(token, key, timed);
    return verified.payload;
  } catch (error) {
    if (isKeyFetchFailure(error)) {
      throw new TransientError(`Could not fetch the keys to verify ${what}: ${(error as Error).message}`, { cause: error });
    }
    throw new UnauthenticatedError(`The bearer token is not ${what}: ${(error as Error).message}`, { cause: error });
  }
}

function withTime(options: JWTVerifyOptions, at: number | undefined): JWTVerifyOptions {
  return at === undefined ? options : { ...options, currentDate: new Date(at) };
}

/**
 * jose reports a key set it could not fetch as a timeout, a bare JOSEError about the response, or
 * fetch's own error; a key server answering with something that is not a key set is an outage
 * too. An unknown key id is the token's problem: anyone can write one (and Google publishes its
 * keys before it signs with them).
 */
function isKeyFetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (!(error instanceof errors.JOSEError)) return true;
  return error.constructor === errors.JOSEError && /JSON Web Key Set/.test(error.message);
}
