import { describe, expect, it } from 'vitest';
import { InMemoryToolCredentials } from '../adapters/in-memory/in-memory-tool-credentials.ts';
import { createJsonLogger } from '../ports/logger.ts';
import { petstoreDocument } from '../testing/petstore-openapi.ts';
import { startPetstoreServer, useOpenApiTestCleanup, type PetstoreServer, type ReceivedRequest } from '../testing/petstore-server.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const authorization = 'projects/p1/locations/global/authorizations/petstore';
const secret = 'sk-live-4f9a1c-very-secret';

const held = useOpenApiTestCleanup();

function configYaml(petstore: PetstoreServer, auth: string): string {
  const specStr = JSON.stringify(JSON.stringify(petstoreDocument(`${petstore.origin}/v1`)));
  return `name: petshop\ninstruction: x\ntools:\n  - name: OpenAPIToolset\n    args:\n      spec_str: ${specStr}\n      tool_filter: [listPets]\n      auth: ${auth}\n`;
}

/** Runs `calls` list_pets calls as user ada (who holds the authorization), logging into `logLines`. */
async function listPetsAs(auth: string, calls: number, options: { holds?: boolean } = {}) {
  const logLines: string[] = [];
  const model = new ScriptedModel([...Array.from({ length: calls }, () => modelCalls([{ name: 'list_pets', args: { storeId: 's' } }])), modelText('ok')]);
  const world = (held.world = createInMemoryWorld({ model, toolCredentials: new InMemoryToolCredentials({ [authorization]: secret }), logger: createJsonLogger((line) => logLines.push(line)) }));
  if (options.holds !== false) world.agents.grantAuthorization('ada', authorization);
  const run = await world.waitForRun(world.submit({ agent: { configYaml: configYaml(held.server!, auth) }, input: 'list', userId: 'ada' }));
  return { run, model, logLines, stored: JSON.stringify(world.documents.list('')) };
}

describe('OpenAPI toolset auth', () => {
  it.each<[string, string, (request: ReceivedRequest) => boolean]>([
    ['an API key in a header', `{authorization: ${authorization}, scheme: api_key, in: header, name: X-Api-Key}`, (request) => request.headers['x-api-key'] === secret],
    ['an API key in the query', `{authorization: ${authorization}, scheme: api_key, in: query, name: api_key}`, (request) => new URL(request.url, 'http://x').searchParams.get('api_key') === secret],
    ['a bearer token', `{authorization: ${authorization}, scheme: bearer}`, (request) => request.headers.authorization === `Bearer ${secret}`],
  ])('sends %s from the credentials, and the secret reaches no run record, event or log', async (_case, auth, authorized) => {
    const server = (held.server = await startPetstoreServer({ requireAuth: authorized }));
    const { run, model, logLines, stored } = await listPetsAs(auth, 1);

    expect(run.state).toBe('SUCCEEDED');
    expect(server.received).toHaveLength(1);
    expect(JSON.stringify(model.requests.at(-1))).toContain('"status":200');
    expect(stored).toContain('"status":200'); // the recorded step and events are in there
    expect(stored).not.toContain(secret);
    expect(logLines.join('')).not.toContain(secret);
    expect(JSON.stringify(model.requests)).not.toContain(secret);
  });

  it('keeps the secret out of what the model sees when the server echoes it back in an error', async () => {
    held.server = await startPetstoreServer({ requireAuth: () => false });
    const { model, stored } = await listPetsAs(`{authorization: ${authorization}, scheme: api_key, in: header, name: X-Api-Key}`, 1);
    const seen = JSON.stringify(model.requests.at(-1));
    expect(seen).toContain('answered HTTP 401');
    expect(seen).toContain('[redacted]');
    expect(seen).not.toContain(secret);
    expect(stored).not.toContain(secret);
  });

  it('fails the run of an inline config whose submitter does not hold the authorization', async () => {
    const server = (held.server = await startPetstoreServer());
    const { run } = await listPetsAs(`{authorization: ${authorization}, scheme: bearer}`, 0, { holds: false });
    expect(run.state).toBe('FAILED');
    expect(run.error).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining(`authorization ${authorization}, which ada does not hold`) });
    expect(server.received).toHaveLength(0);
  });

  it('caches an OAuth2 client-credentials token and, when the API refuses it, fetches a new one once and retries once', async () => {
    const server = (held.server = await startPetstoreServer({ clientSecret: secret, requireAuth: (request) => /^Bearer token-\d$/.test(request.headers.authorization ?? '') }));
    const petstore = server;
    const auth = `{authorization: ${authorization}, scheme: oauth2_client_credentials, token_url: "${petstore.origin}/oauth/token", client_id: petstore-client, scopes: [pets.read]}`;
    const model = new ScriptedModel([
      modelCalls([{ name: 'list_pets', args: { storeId: 'a' } }]),
      () => {
        petstore.revoked.add('token-1'); // it expired on the server's side before its expires_in
        return modelCalls([{ name: 'list_pets', args: { storeId: 'b' } }]);
      },
      modelCalls([{ name: 'list_pets', args: { storeId: 'c' } }]),
      modelText('ok'),
    ]);
    const world = (held.world = createInMemoryWorld({ model, toolCredentials: new InMemoryToolCredentials({ [authorization]: secret }) }));
    world.agents.grantAuthorization('ada', authorization);
    const run = await world.waitForRun(world.submit({ agent: { configYaml: configYaml(petstore, auth) }, input: 'list', userId: 'ada' }));

    expect(run.state).toBe('SUCCEEDED');
    expect(petstore.tokenRequests).toHaveLength(2);
    expect(new URLSearchParams(petstore.tokenRequests[0]!.body).get('scope')).toBe('pets.read');
    expect(petstore.received.map((request) => `${request.url} ${request.headers.authorization}`)).toEqual([
      '/v1/stores/a/pets Bearer token-1',
      '/v1/stores/b/pets Bearer token-1',
      '/v1/stores/b/pets Bearer token-2',
      '/v1/stores/c/pets Bearer token-2',
    ]);
    expect(JSON.stringify(world.documents.list(''))).not.toContain(secret);
  });
});
