import { createHmac } from 'node:crypto';
import { LocalTokenAuthenticator, localTokenAudience, localTokenIssuer } from '../adapters/auth/local-token-authenticator.ts';
import { authorizationAttribute } from '../steps/prove-submitter.ts';

/** The secret of the tests' local token scheme (in-memory worlds and executor harnesses). */
export const testAuthSecret = 'agentline-tests-local-token-secret-0123456789';

export function testAuthenticator(): LocalTokenAuthenticator {
  return new LocalTokenAuthenticator(testAuthSecret, []);
}

/**
 * A local token for `userId`, signed synchronously (HS256 with node:crypto) so a test world's
 * `submit` can stay synchronous; the real LocalTokenAuthenticator verifies it like one
 * `mintLocalToken` made.
 */
export function localTokenSync(secret: string, userId: string, ttlSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: userId, iss: localTokenIssuer, aud: localTokenAudience, iat: now, exp: now + ttlSeconds })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** The message attributes that prove a submission is for `userId`, as `agentline run --user` sends them. */
export function submissionAuthAttributes(secret: string, userId: string): Record<string, string> {
  return { [authorizationAttribute]: `Bearer ${localTokenSync(secret, userId)}` };
}
