import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { LocalTokenAuthenticator, localTokenAudience, localTokenIssuer, mintLocalToken } from './local-token-authenticator.ts';

const secret = 'a-local-secret-of-at-least-32-characters';
const authenticator = new LocalTokenAuthenticator(secret, ['root']);
const sign = (claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT) =>
  build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' })).sign(new TextEncoder().encode(secret));

describe('LocalTokenAuthenticator', () => {
  it('identifies the subject of a token it minted, with admin from the role claim or the admins list', async () => {
    expect(await authenticator.authenticate(`Bearer ${await mintLocalToken(secret, { userId: 'ada' })}`)).toEqual({ userId: 'ada', admin: false });
    expect(await authenticator.authenticate(`Bearer ${await mintLocalToken(secret, { userId: 'ada', admin: true })}`)).toEqual({ userId: 'ada', admin: true });
    expect(await authenticator.authenticate(`bearer ${await mintLocalToken(secret, { userId: 'root' })}`)).toEqual({ userId: 'root', admin: true });
  });

  it.each([
    ['no header', async () => undefined, /Missing Authorization header/],
    ['a non-bearer scheme', async () => 'Basic YWRhOnB3', /must be "Bearer <token>"/],
    ['another secret', async () => `Bearer ${await mintLocalToken('another-secret-of-at-least-32-characters', { userId: 'ada' })}`, /signature/],
    ['an expired token', async () => `Bearer ${await sign({}, (jwt) => jwt.setSubject('ada').setIssuer(localTokenIssuer).setAudience(localTokenAudience).setExpirationTime(Math.floor(Date.now() / 1000) - 60))}`, /exp/],
    ['another audience', async () => `Bearer ${await sign({}, (jwt) => jwt.setSubject('ada').setIssuer(localTokenIssuer).setAudience('other').setExpirationTime('1h'))}`, /aud/],
    ['no expiry', async () => `Bearer ${await sign({}, (jwt) => jwt.setSubject('ada').setIssuer(localTokenIssuer).setAudience(localTokenAudience))}`, /exp/],
    ['no algorithm ("none")', async () => `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"root"}').toString('base64url')}.`, /./],
  ])('refuses %s as UNAUTHENTICATED', async (_case, header, message) => {
    const attempt = authenticator.authenticate(await header());
    await expect(attempt).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(authenticator.authenticate(await header())).rejects.toThrow(message);
  });
});
