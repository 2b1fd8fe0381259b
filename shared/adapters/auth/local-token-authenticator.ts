import { SignJWT } from 'jose';
import type { Caller } from '../../domain/agents/permissions.ts';
import type { Authenticator } from '../../ports/authenticator.ts';
import { bearerToken } from './bearer-token.ts';
import { verifyJwt } from './verify-jwt.ts';

/**
 * The local token scheme (development and tests): an HS256 JWT signed with the stack's local
 * secret, issuer `agentline-local`, audience `agentline-api`, `sub` = user id, an expiry, and
 * optionally `roles: ["admin"]`. Verified like any token: signature, algorithm, issuer,
 * audience and expiry.
 */
export const localTokenIssuer = 'agentline-local';
export const localTokenAudience = 'agentline-api';

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export class LocalTokenAuthenticator implements Authenticator {
  readonly #key: Uint8Array;
  readonly #admins: ReadonlySet<string>;

  constructor(secret: string, admins: readonly string[]) {
    this.#key = keyOf(secret);
    this.#admins = new Set(admins);
  }

  async authenticate(authorizationHeader: string | undefined, options: { at?: number } = {}): Promise<Caller> {
    const token = bearerToken(authorizationHeader);
    const payload = await verifyJwt(
      token,
      this.#key,
      { algorithms: ['HS256'], issuer: localTokenIssuer, audience: localTokenAudience, requiredClaims: ['sub', 'exp'], at: options.at },
      'a valid local agentline token',
    );
    const userId = payload.sub!;
    const roles = Array.isArray(payload['roles']) ? payload['roles'] : [];
    return { userId, admin: this.#admins.has(userId) || roles.includes('admin') };
  }
}

/** Mints a local token (the CLI and tests use it); `ttlSeconds` defaults to one hour. */
export async function mintLocalToken(secret: string, claims: { userId: string; admin?: boolean; ttlSeconds?: number }): Promise<string> {
  return new SignJWT(claims.admin ? { roles: ['admin'] } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(localTokenIssuer)
    .setAudience(localTokenAudience)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 3600}s`)
    .sign(keyOf(secret));
}
