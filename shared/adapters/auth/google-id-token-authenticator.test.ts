import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError, UnauthenticatedError } from '../../domain/errors.ts';
import { GoogleIdTokenAuthenticator } from './google-id-token-authenticator.ts';

// A local key server in the form of https://www.googleapis.com/oauth2/v3/certs.
const audience = 'https://agentline.example.com';
let googleKey: CryptoKey;
let otherKey: CryptoKey;
let server: Server;
let keysUrl: string;

beforeAll(async () => {
  const published = await generateKeyPair('RS256', { extractable: true });
  googleKey = published.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwks = { keys: [{ ...(await exportJWK(published.publicKey)), kid: 'google-1', alg: 'RS256', use: 'sig' }] };
  // /oauth2/v3/certs answers the key set; /failing answers 500; /garbage a 200 that is no key set.
  server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/failing') response.statusCode = 500;
    response.end(JSON.stringify(request.url === '/garbage' ? { keys: 'none' } : request.url === '/failing' ? { error: 'backend' } : jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  keysUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v3/certs`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface TokenOptions {
  key?: CryptoKey;
  kid?: string;
  audience?: string;
  issuer?: string;
  issuedAt?: number;
  expiresAt?: number;
  claims?: Record<string, unknown>;
}

function googleToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: 'ada@example.com', email_verified: true, ...options.claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'google-1', typ: 'JWT' })
    .setIssuer(options.issuer ?? 'https://accounts.google.com')
    .setAudience(options.audience ?? audience)
    .setSubject('1234567890')
    .setIssuedAt(options.issuedAt ?? now)
    .setExpirationTime(options.expiresAt ?? now + 3600)
    .sign(options.key ?? googleKey);
}

describe('GoogleIdTokenAuthenticator', () => {
  const authenticator = () => new GoogleIdTokenAuthenticator(audience, ['root@example.com'], keysUrl);

  it('identifies the verified email of a Google-signed token for its audience, admin from the admins list', async () => {
    expect(await authenticator().authenticate(`Bearer ${await googleToken()}`)).toEqual({ userId: 'ada@example.com', admin: false });
    expect(await authenticator().authenticate(`Bearer ${await googleToken({ claims: { email: 'root@example.com' } })}`)).toEqual({ userId: 'root@example.com', admin: true });
  });

  it('checks expiry at the given time: a token valid when its message was published is accepted later', async () => {
    const publishedAt = Date.now() - 2 * 3600_000;
    const token = await googleToken({ issuedAt: Math.floor(publishedAt / 1000) - 60, expiresAt: Math.floor(publishedAt / 1000) + 600 });
    await expect(authenticator().authenticate(`Bearer ${token}`)).rejects.toThrow(/exp/);
    expect(await authenticator().authenticate(`Bearer ${token}`, { at: publishedAt })).toMatchObject({ userId: 'ada@example.com' });
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['a token for another audience', () => googleToken({ audience: 'https://someone-else.example.com' }), /aud/],
    ['an expired token', () => googleToken({ issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresAt: Math.floor(Date.now() / 1000) - 3600 }), /exp/],
    ['a token signed with another key under Google\'s key id', () => googleToken({ key: otherKey }), /signature verification failed/],
    ['a token signed with a key Google does not publish', () => googleToken({ key: otherKey, kid: 'forged' }), /no applicable key found/],
    ['a token from another issuer', () => googleToken({ issuer: 'https://evil.example.com' }), /iss/],
    ['a token without a verified email', () => googleToken({ claims: { email_verified: false } }), /no verified email/],
  ])('refuses %s as UNAUTHENTICATED, naming why', async (_case, token, reason) => {
    const attempt = authenticator().authenticate(`Bearer ${await token()}`);
    await expect(attempt).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(authenticator().authenticate(`Bearer ${await token()}`)).rejects.toThrow(reason);
  });

  it.each([
    ['unreachable', () => 'http://127.0.0.1:1/oauth2/v3/certs'],
    ['answering 500', () => keysUrl.replace('/oauth2/v3/certs', '/failing')],
    ['answering a 200 that is not a key set', () => keysUrl.replace('/oauth2/v3/certs', '/garbage')],
  ])('reports a key server %s as transient, so a submission is delivered again rather than refused', async (_case, url) => {
    const outage = new GoogleIdTokenAuthenticator(audience, [], url());
    await expect(outage.authenticate(`Bearer ${await googleToken()}`)).rejects.toBeInstanceOf(TransientError);
  });
});
