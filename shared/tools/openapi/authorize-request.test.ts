import { afterAll, describe, expect, it } from 'vitest';
import { createGuardedFetch } from '../../adapters/http/guarded-fetch.ts';
import { InMemoryToolCredentials } from '../../adapters/in-memory/in-memory-tool-credentials.ts';
import type { OpenApiAuth } from '../../domain/openapi-operation.ts';
import { startPetstoreServer, useOpenApiTestCleanup } from '../../testing/petstore-server.ts';
import { RequestAuthorizer } from './authorize-request.ts';

const guarded = createGuardedFetch({ allowLoopback: true, timeoutMs: 5_000, maxResponseBytes: 1024 * 1024 });
afterAll(() => guarded.close());
const held = useOpenApiTestCleanup();
const authorization = 'projects/p/locations/global/authorizations/pets';

describe('OAuth2 client-credentials tokens', () => {
  it('reuses a token until 30 s before its expires_in, then fetches a new one exactly once', async () => {
    const server = (held.server = await startPetstoreServer({ clientSecret: 'client-secret' }));
    const auth: OpenApiAuth = { scheme: 'oauth2_client_credentials', authorization, tokenUrl: `${server.origin}/oauth/token`, clientId: 'petstore-client', scopes: [] };
    const authorizer = new RequestAuthorizer(new InMemoryToolCredentials({ [authorization]: 'client-secret' }), guarded.fetch);
    const expiresAt = 3_600_000; // the server's expires_in: 3600 s from time 0

    expect((await authorizer.authorize(auth, 0)).headers).toEqual({ authorization: 'Bearer token-1' });
    expect((await authorizer.authorize(auth, expiresAt - 30_001)).headers).toEqual({ authorization: 'Bearer token-1' });
    expect((await authorizer.authorize(auth, expiresAt - 29_999)).headers).toEqual({ authorization: 'Bearer token-2' });
    expect((await authorizer.authorize(auth, expiresAt)).headers).toEqual({ authorization: 'Bearer token-2' });
    expect(server.tokenRequests).toHaveLength(2);
    expect(new URLSearchParams(server.tokenRequests[0]!.body).get('grant_type')).toBe('client_credentials');
  });

  it('tells the model, without the secret, when the token endpoint refuses the client', async () => {
    const server = (held.server = await startPetstoreServer({ clientSecret: 'the-right-one' }));
    const auth: OpenApiAuth = { scheme: 'oauth2_client_credentials', authorization, tokenUrl: `${server.origin}/oauth/token`, clientId: 'petstore-client', scopes: [] };
    const authorizer = new RequestAuthorizer(new InMemoryToolCredentials({ [authorization]: 'a-wrong-secret' }), guarded.fetch);
    const refused = authorizer.authorize(auth, 0);
    await expect(refused).rejects.toThrow(`The token endpoint of authorization ${authorization} answered HTTP 401`);
    await expect(refused).rejects.not.toThrow('a-wrong-secret');
  });

  it('answers a missing secret as a tool error naming the authorization', async () => {
    const authorizer = new RequestAuthorizer(new InMemoryToolCredentials(), guarded.fetch);
    await expect(authorizer.authorize({ scheme: 'bearer', authorization }, 0)).rejects.toThrow(`Authorization ${authorization} has no secret this deployment can read`);
  });
});
