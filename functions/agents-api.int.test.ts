import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { FirestoreAgentRegistry } from '../shared/adapters/firestore/firestore-agent-registry.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { startA2aTestServer } from '../shared/testing/a2a-test-server.ts';
import { createAgentsApiClient, type AgentsApiClient } from '../shared/testing/agents-api-client.ts';
import { startTestStack } from '../shared/testing/test-stack.ts';
import { testRetention } from '../shared/adapters/in-memory/in-memory-run-store.ts';

// The agents API as a client sees it: the real router served over HTTP by the local stack (the
// same Node adapter as the deployed API service), the deploy worker behind a Pub/Sub push subscription, and the Firestore emulator.
const secret = 'test-secret-that-is-long-enough-for-hs256';
const parent = `projects/p/locations/global/collections/default_collection/engines/e${process.pid}`;
const maxAgentsPerUser = 40;
let stack: LocalStack;
let api: AgentsApiClient;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack('agents-api', {
    env: {
      AGENTLINE_LOCAL_AUTH_SECRET: secret,
      AGENTLINE_ADMINS: 'root',
      AGENTLINE_LOG_LEVEL: 'silent',
      AGENTLINE_AGENT_PARENTS: `${parent},${parent}-list`,
      AGENTLINE_MAX_AGENTS_PER_USER: String(maxAgentsPerUser),
    },
  });
  for (const user of ['ada', 'bob', 'carol', 'root']) tokens[user] = await mintLocalToken(secret, { userId: user });
  api = createAgentsApiClient(stack.functionsUrl, tokens);
});

afterAll(async () => {
  await stack?.stop();
});

const adkConfig = 'name: helper\ninstruction: Answer briefly.\ntools:\n  - name: calculator\n';
let counter = 0;
const newId = () => `a${process.pid}x${counter++}`;
const agentBody = (definition: Record<string, unknown> = { adkAgentDefinition: { agentConfig: adkConfig } }) => ({
  displayName: 'Helper',
  description: 'Answers briefly.',
  ...definition,
});

function createAgent(user: string, definition?: Record<string, unknown>, inParent = parent): Promise<string> {
  return api.createAgent(user, inParent, newId(), agentBody(definition));
}

describe('the HTTP edge: every failure is a JSON error', () => {
  const send = (method: string, path: string, init: { body?: string; contentType?: string; user?: string } = {}) =>
    fetch(`${stack.functionsUrl}/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[init.user ?? 'ada']}`, ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  const expectJsonError = async (response: Response, httpStatus: number, status: string, reason: string) => {
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ error: { code: httpStatus, status, details: [{ reason }] } });
    expect(response.status).toBe(httpStatus);
  };

  it('answers a malformed JSON body with 400 INVALID_JSON, not an HTML page', async () => {
    await expectJsonError(await send('POST', `${parent}/agents?agentId=${newId()}`, { body: '{"displayName": ', contentType: 'application/json' }), 400, 'INVALID_ARGUMENT', 'INVALID_JSON');
  });

  it('answers a body that is not JSON with 400 UNSUPPORTED_MEDIA_TYPE', async () => {
    await expectJsonError(await send('POST', `${parent}/agents?agentId=${newId()}`, { body: 'displayName=x', contentType: 'application/x-www-form-urlencoded' }), 400, 'INVALID_ARGUMENT', 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an unknown path with 404 METHOD_NOT_FOUND', async () => {
    await expectJsonError(await send('GET', 'projects/p/widgets'), 404, 'NOT_FOUND', 'METHOD_NOT_FOUND');
    await expectJsonError(await fetch(`${stack.functionsUrl}/v1/`), 404, 'NOT_FOUND', 'METHOD_NOT_FOUND');
  });

  it('answers a method the path does not take with 405 and Allow', async () => {
    const response = await send('PUT', `${parent}/agents/${newId()}`, { body: '{}', contentType: 'application/json' });
    expect(response.headers.get('allow')).toBe('GET, PATCH, DELETE');
    await expectJsonError(response, 405, 'UNIMPLEMENTED', 'METHOD_NOT_ALLOWED');
  });

  it('answers a body over 1 MiB with 413, declared or chunked', async () => {
    const large = JSON.stringify({ displayName: 'x'.repeat(1024 * 1024) });
    await expectJsonError(await send('POST', `${parent}/agents?agentId=${newId()}`, { body: large, contentType: 'application/json' }), 413, 'INVALID_ARGUMENT', 'BODY_TOO_LARGE');
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(large));
        controller.close();
      },
    });
    const response = await fetch(`${stack.functionsUrl}/v1/${parent}/agents?agentId=${newId()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['ada']}`, 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    await expectJsonError(response, 413, 'INVALID_ARGUMENT', 'BODY_TOO_LARGE');
  });
});

describe('agents API: create, get and errors', () => {
  it('creates an agent with a caller-chosen id and returns it with RFC 3339 UTC times and CONFIGURED', async () => {
    const id = newId();
    const answer = await api.call('ada', 'POST', `${parent}/agents?agentId=${id}`, { display_name: 'Helper', description: 'd', adk_agent_definition: { agent_config: adkConfig }, state: 'ENABLED' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ name: `${parent}/agents/${id}`, displayName: 'Helper', state: 'CONFIGURED' });
    expect(answer.body['createTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect((await api.call('ada', 'POST', `${parent}/agents?agentId=${id}`, agentBody())).body.error).toMatchObject({ code: 409, status: 'ALREADY_EXISTS' });
  });

  it('answers without a token, or with a forged one, 401 UNAUTHENTICATED in Google error shape', async () => {
    expect((await api.call(undefined, 'GET', `${parent}/agents`)).body).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    tokens['forger'] = await mintLocalToken('another-secret-that-is-long-enough-too', { userId: 'root', admin: true });
    const forged = await api.call('forger', 'GET', `${parent}/agents`);
    expect(forged.status).toBe(401);
    expect(forged.body.error.details[0]).toMatchObject({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'UNAUTHENTICATED' });
  });

  it('refuses a body missing required fields or with two definitions, naming the problem', async () => {
    const missing = await api.call('ada', 'POST', `${parent}/agents`, { adkAgentDefinition: { agentConfig: adkConfig } });
    expect(missing.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('displayName') });
    const two = await api.call('ada', 'POST', `${parent}/agents`, agentBody({ adkAgentDefinition: { agentConfig: adkConfig }, managedAgentDefinition: {} }));
    expect(two.body.error.message).toContain('only one definition');
  });

  it("gives 403 for another user's PRIVATE agent and for a missing one alike, and 404 only to an admin", async () => {
    const name = await createAgent('ada');
    expect((await api.deploy('ada', name, { private: true })).response).toMatchObject({ state: 'PRIVATE' });
    const missing = `${parent}/agents/does-not-exist`;
    expect((await api.call('bob', 'GET', name)).status).toBe(403);
    expect((await api.call('bob', 'GET', missing)).body.error).toMatchObject({ code: 403, details: [{ reason: 'PERMISSION_DENIED', metadata: { agent: missing, permission: 'get' } }] });
    expect((await api.call('bob', 'DELETE', missing)).status).toBe(403);
    expect((await api.call('root', 'GET', missing)).status).toBe(404);
    expect((await api.call('ada', 'GET', name)).body).toMatchObject({ state: 'PRIVATE' });
    expect((await api.call('root', 'GET', name)).status).toBe(200);
  });

  it("refuses changes to someone else's agent with 403 though it can be read, without its definition", async () => {
    const name = await createAgent('ada');
    const seenByBob = await api.call('bob', 'GET', name);
    expect(seenByBob.status).toBe(200);
    expect(Object.keys(seenByBob.body).sort()).toEqual(['createTime', 'description', 'displayName', 'name', 'state', 'updateTime']);
    expect((await api.call('ada', 'GET', name)).body).toMatchObject({ adkAgentDefinition: { agentConfig: adkConfig } });
    expect((await api.call('bob', 'PATCH', name, { displayName: 'Mine' })).status).toBe(403);
    expect((await api.call('bob', 'POST', `${name}:deploy`, {})).status).toBe(403);
    const view = await api.call('bob', 'GET', `${name}:getAgentView`);
    expect(view.body.agentView).toMatchObject({ agentType: 'ADK', creator: 'ada', userPermissions: { canView: true, canEdit: false, canRun: true } });
  });
});

describe('agents API: where agents may be created, and how many', () => {
  it('refuses a parent outside AGENTLINE_AGENT_PARENTS with 403, admins included', async () => {
    const foreign = 'projects/elsewhere/locations/global/collections/default_collection/engines/e';
    for (const user of ['ada', 'root']) {
      expect((await api.call(user, 'POST', `${foreign}/agents?agentId=${newId()}`, agentBody())).body.error).toMatchObject({ code: 403, details: [{ reason: 'PARENT_NOT_SERVED' }] });
    }
  });

  it('refuses a user their agent past AGENTLINE_MAX_AGENTS_PER_USER with 429, and lets them create again after a delete', async () => {
    const names: string[] = [];
    for (let index = 0; index < maxAgentsPerUser; index++) names.push(await createAgent('carol'));
    const refused = await api.call('carol', 'POST', `${parent}/agents?agentId=${newId()}`, agentBody());
    expect(refused.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ reason: 'AGENT_LIMIT_REACHED', metadata: { maxAgentsPerUser: String(maxAgentsPerUser) } }] });
    await api.call('carol', 'DELETE', names[0]!);
    expect((await api.call('carol', 'POST', `${parent}/agents?agentId=${newId()}`, agentBody())).status).toBe(200);
  });
});

describe('agents API: list pagination (AIP-158)', () => {
  const listParent = `${parent}-list`;
  const names: string[] = [];

  beforeAll(async () => {
    for (let index = 0; index < 5; index++) names.push(await createAgent('ada', undefined, listParent));
    const hidden = await createAgent('ada', undefined, listParent);
    await api.deploy('ada', hidden, { private: true });
    names.push(hidden);
  });

  it('pages through every visible agent with no nextPageToken on the last page', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = await api.call('bob', 'GET', `${listParent}/agents?pageSize=2&orderBy=name${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      expect(answer.status).toBe(200);
      seen.push(...answer.body['agents'].map((agent: { name: string }) => agent.name));
      token = answer.body['nextPageToken'];
      pages++;
    } while (token);
    expect(seen).toEqual(names.slice(0, 5).sort());
    expect(pages).toBe(3);
  });

  it('lists PRIVATE agents to their creator only', async () => {
    expect((await api.call('ada', 'GET', `${listParent}/agents`)).body['agents']).toHaveLength(6);
    expect((await api.call('bob', 'GET', `${listParent}/agents`)).body['agents']).toHaveLength(5);
  });

  it('defaults pageSize to 100, coerces values over 1000 and refuses negative ones', async () => {
    const all = await api.call('ada', 'GET', `${listParent}/agents?pageSize=5000`);
    expect(all.body['agents']).toHaveLength(6);
    expect(all.body['nextPageToken']).toBeUndefined();
    expect((await api.call('ada', 'GET', `${listParent}/agents`)).body['agents']).toHaveLength(6);
    expect((await api.call('ada', 'GET', `${listParent}/agents?pageSize=-1`)).body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });

  it('refuses a page token replayed with other parameters or tampered with', async () => {
    const first = await api.call('ada', 'GET', `${listParent}/agents?pageSize=2&orderBy=name`);
    const token = first.body['nextPageToken'] as string;
    expect(Buffer.from(token, 'base64url').toString('utf8')).not.toContain('agents/');
    expect((await api.call('ada', 'GET', `${listParent}/agents?pageSize=2&orderBy=createTime&pageToken=${token}`)).status).toBe(400);
    expect((await api.call('bob', 'GET', `${listParent}/agents?pageSize=2&orderBy=name&pageToken=${token}`)).status).toBe(400);
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}A`;
    expect((await api.call('ada', 'GET', `${listParent}/agents?pageSize=2&orderBy=name&pageToken=${tampered}`)).status).toBe(400);
    expect((await api.call('ada', 'GET', `${listParent}/agents?pageSize=3&orderBy=name&pageToken=${token}`)).status).toBe(200);
  });

  it('refuses an orderBy field it cannot sort by', async () => {
    expect((await api.call('ada', 'GET', `${listParent}/agents?orderBy=colour`)).body.error.message).toContain('colour');
  });

  it('reads page_size as pageSize and refuses a query parameter list does not have, such as filter', async () => {
    expect((await api.call('ada', 'GET', `${listParent}/agents?page_size=-1`)).body.error.message).toContain('pageSize must not be negative');
    const filtered = await api.call('ada', 'GET', `${listParent}/agents?filter=state%3DENABLED`);
    expect(filtered.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('Unknown query parameter "filter" for agents.list') });
  });
});

describe('agents API: update masks (AIP-134)', () => {
  it('clears a listed field absent from the body, keeps unlisted ones, and refuses state', async () => {
    const name = await createAgent('ada');
    await api.call('ada', 'PATCH', name, { languageCode: 'en', customPlaceholderText: 'Ask me' });
    const masked = await api.call('ada', 'PATCH', `${name}?updateMask=displayName,languageCode`, { displayName: 'Renamed', customPlaceholderText: 'ignored' });
    expect(masked.body).toMatchObject({ displayName: 'Renamed', customPlaceholderText: 'Ask me' });
    expect(masked.body).not.toHaveProperty('languageCode');
    const state = await api.call('ada', 'PATCH', `${name}?updateMask=state`, { state: 'ENABLED' });
    expect(state.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('"state" is output only') });
  });

  it('with * replaces the whole agent, and without a mask changes only the fields sent', async () => {
    const name = await createAgent('ada');
    expect((await api.call('ada', 'PATCH', name, { description: 'New' })).body).toMatchObject({ description: 'New', displayName: 'Helper' });
    const star = await api.call('ada', 'PATCH', `${name}?updateMask=*`, { displayName: 'Only', description: 'All', adkAgentDefinition: { agentConfig: adkConfig } });
    expect(star.body).toMatchObject({ displayName: 'Only', description: 'All' });
    const cleared = await api.call('ada', 'PATCH', `${name}?updateMask=*`, { displayName: 'Only' });
    expect(cleared.body.error.message).toContain('description');
  });
});

describe('agents API: deploy and lifecycle', () => {
  it('deploys an ADK agent to ENABLED and answers the operation with the Agent as response', async () => {
    const name = await createAgent('ada');
    const operation = await api.deploy('ada', name);
    expect(operation).toMatchObject({ done: true, response: { '@type': 'type.googleapis.com/google.cloud.discoveryengine.v1alpha.Agent', name, state: 'ENABLED' } });
    expect(operation.metadata['@type']).toMatch(/^type\.googleapis\.com\//);
    expect((await api.call('ada', 'POST', `${name}:deploy`, {})).body.error).toMatchObject({ status: 'FAILED_PRECONDITION' });
  });

  it.each([
    ['an unknown tool', { adkAgentDefinition: { agentConfig: 'name: a\ninstruction: hi\ntools:\n  - name: search\n' } }, /Unknown tool "search"/],
    ['YAML that does not parse', { adkAgentDefinition: { agentConfig: 'name: [a\n' } }, /YAML syntax error/],
    ['a malformed model name', { adkAgentDefinition: { agentConfig: 'name: a\ninstruction: hi\nmodel: "gemini-2.5-flash!"\n' } }, /not a well-formed model name/],
    ['a sub-agent that is not registered', { adkAgentDefinition: { agentConfig: `name: a\ninstruction: hi\nsub_agents:\n  - agent: ${parent}/agents/nobody\n` } }, /sub_agents\[0\]: .*agents\/nobody is not a registered agent/],
    ['a managed definition', { managedAgentDefinition: {} }, /managedAgentDefinition is not supported yet/],
    ['a Dialogflow definition', { dialogflowAgentDefinition: {} }, /dialogflowAgentDefinition is not supported yet/],
    ['an invalid A2A card', { a2aAgentDefinition: { jsonAgentCard: '{"name": 3}' } }, /jsonAgentCard/],
  ])('fails the deploy of %s with a reason saying what is wrong', async (_case, definition, reason) => {
    const name = await createAgent('ada', definition);
    const operation = await api.deploy('ada', name);
    expect(operation.error).toMatchObject({ code: 9, message: expect.stringMatching(reason) });
    const agent = (await api.call('ada', 'GET', name)).body;
    expect(agent).toMatchObject({ state: 'DEPLOYMENT_FAILED', deploymentFailureReason: expect.stringMatching(reason) });
  });

  it('deploys an A2A agent whose card is fetched from remoteAgentCard.uri and keeps the validated card for runs', async () => {
    const remote = await startA2aTestServer({ name: 'Remote Echo' });
    try {
      const name = await createAgent('ada', { a2aAgentDefinition: { remoteAgentCard: { uri: remote.cardUrl } } });
      expect(await stack.deps.agents.getAgent(name)).toMatchObject({ definition: { kind: 'a2a', agentCard: {} } });
      expect((await api.deploy('ada', name)).response).toMatchObject({ state: 'ENABLED' });
      expect(await stack.deps.agents.getAgent(name)).toMatchObject({ state: 'ENABLED', definition: { kind: 'a2a', agentCard: { name: 'Remote Echo' } } });
    } finally {
      await remote.close();
    }
  });

  it('fails the deploy of an A2A agent whose card URI answers 404, saying so', async () => {
    const remote = await startA2aTestServer();
    try {
      const name = await createAgent('ada', { a2aAgentDefinition: { remoteAgentCard: { uri: `${remote.url}/no-card-here` } } });
      expect((await api.deploy('ada', name)).error.message).toMatch(/could not be fetched: HTTP 404/);
    } finally {
      await remote.close();
    }
  });

  it('refuses a second deploy while one runs with ABORTED, and changes to the deploying agent too', async () => {
    const name = await createAgent('ada');
    // What a running deploy leaves behind, held still: the worker never sees this operation.
    const registry = new FirestoreAgentRegistry(stack.deps.firestore, testRetention);
    await registry.transact(async (tx) => {
      const record = (await tx.getAgent(name))!;
      tx.putAgent({ ...record, state: 'DEPLOYING', deployOperation: `${name}/operations/deploy-held` });
    });
    for (const body of [{}, { force: true }]) {
      expect((await api.call('ada', 'POST', `${name}:deploy`, body)).body.error).toMatchObject({ code: 409, status: 'ABORTED' });
    }
    expect((await api.call('ada', 'PATCH', name, { displayName: 'x' })).body.error.status).toBe('ABORTED');
    expect((await api.call('ada', 'POST', `${name}:disableAgent`, {})).body.error.status).toBe('ABORTED');
  });

  it('allows enable, disable and suspend only from their documented states', async () => {
    const name = await createAgent('ada');
    expect((await api.call('ada', 'POST', `${name}:enableAgent`, {})).body.error).toMatchObject({
      status: 'FAILED_PRECONDITION',
      message: expect.stringContaining('CONFIGURED'),
      details: [{ reason: 'INVALID_AGENT_STATE', domain: 'agentline.dev', metadata: { method: 'enableAgent', state: 'CONFIGURED', allowedStates: 'DISABLED,SUSPENDED' } }],
    });
    await api.deploy('ada', name);
    expect((await api.call('ada', 'POST', `${name}:suspendAgent`, {})).body.error.status).toBe('INVALID_ARGUMENT');
    expect((await api.call('ada', 'POST', `${name}:suspendAgent?suspensionReason=Abuse%20report`, {})).body).toMatchObject({ state: 'SUSPENDED', suspensionReason: 'Abuse report' });
    expect((await api.call('ada', 'POST', `${name}:disableAgent`, {})).body).toMatchObject({ state: 'DISABLED' });
    expect((await api.call('ada', 'POST', `${name}:disableAgent`, {})).body.error.status).toBe('FAILED_PRECONDITION');
    expect((await api.call('ada', 'POST', `${name}:enableAgent`, {})).body).toMatchObject({ state: 'ENABLED' });
    expect((await api.call('ada', 'POST', `${name}:enableAgent`, {})).body.error.status).toBe('FAILED_PRECONDITION');
    expect((await api.call('ada', 'POST', `${name}:disableAgent`, { force: true })).body.error.message).toBe('The request body of agents.disableAgent must be empty; got "force"');
  });

  it('deletes an agent through a finished operation whose response is Empty', async () => {
    const name = await createAgent('ada');
    const operation = (await api.call('ada', 'DELETE', name)).body;
    expect(operation).toMatchObject({ done: true, response: { '@type': 'type.googleapis.com/google.protobuf.Empty' } });
    expect((await api.call('ada', 'GET', operation['name'])).body).toMatchObject({ done: true });
    expect((await api.call('bob', 'GET', operation['name'])).status).toBe(403);
    expect((await api.call('root', 'GET', name)).status).toBe(404);
  });
});

describe('agents API: authorization grants', () => {
  it('lets admins grant and revoke, and users read their own grants', async () => {
    const authorization = 'projects/p/locations/global/authorizations/payroll';
    expect((await api.call('bob', 'POST', 'users/bob/authorizations:grant', { authorization })).status).toBe(403);
    expect((await api.call('root', 'POST', 'users/bob/authorizations:grant', { authorization })).status).toBe(200);
    expect((await api.call('bob', 'GET', 'users/bob/authorizations')).body['authorizations']).toMatchObject([{ authorization, grantedBy: 'root' }]);
    expect(await stack.deps.agents.holdsAuthorization('bob', authorization)).toBe(true);
    await api.call('root', 'POST', 'users/bob/authorizations:revoke', { authorization });
    expect(await stack.deps.agents.holdsAuthorization('bob', authorization)).toBe(false);
  });
});
