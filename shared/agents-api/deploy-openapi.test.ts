import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryAgentRegistry } from '../adapters/in-memory/in-memory-agent-registry.ts';
import { InMemoryToolCredentials } from '../adapters/in-memory/in-memory-tool-credentials.ts';
import { createGuardedFetch } from '../adapters/http/guarded-fetch.ts';
import { fetchOpenApiDocument } from '../adapters/http/fetch-openapi-document.ts';
import { silentLogger } from '../ports/logger.ts';
import { sampleAgentRecord, sampleOperation } from '../testing/agent-fixtures.ts';
import { manyOperationsDocument } from '../testing/petstore-openapi.ts';
import { startPetstoreServer, useOpenApiTestCleanup } from '../testing/petstore-server.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import { createDeployHandler } from './handle-deploy.ts';

const authorization = 'projects/p1/locations/global/authorizations/petstore';

const guarded = createGuardedFetch({ allowLoopback: true, timeoutMs: 5_000, maxResponseBytes: 1024 * 1024 });
afterAll(() => guarded.close());
const held = useOpenApiTestCleanup();

/** Deploys an ADK agent whose toolset's document is at `specUrl`, in `world`'s registry; returns its stored record. */
async function deploy(target: ReturnType<typeof createInMemoryWorld>, specUrl: string, toolAuthorizations: string[]) {
  const registry = new InMemoryAgentRegistry(target.documents);
  const configYaml = `name: petshop\ninstruction: x\ntools:\n  - name: OpenAPIToolset\n    args:\n      spec_url: "${specUrl}"\n      tool_filter: [listPets, createPet]\n      auth: {authorization: ${authorization}, scheme: bearer}\n`;
  const record = sampleAgentRecord('petshop', {
    state: 'DEPLOYING',
    definition: { kind: 'adk', configYaml },
    fields: { displayName: 'Pets', description: 'd', adkAgentDefinition: { agentConfig: configYaml }, authorizationConfig: { toolAuthorizations } },
  });
  const operation = sampleOperation(`${record.name}/operations/deploy-1`, { target: record.name });
  await registry.transact(async (tx) => {
    tx.createAgent({ ...record, deployOperation: operation.name });
    tx.putOperation(operation);
  });
  const handle = createDeployHandler({
    registry,
    agents: target.agents,
    clock: { now: () => Date.now() },
    logger: silentLogger,
    queue: target.queue,
    outbox: target.outbox,
    availableTools: ['calculator'],
    fetchAgentCard: () => Promise.reject(new Error('no cards here')),
    fetchOpenApiDocument: (url) => fetchOpenApiDocument(url, guarded.fetch),
  });
  await handle({ messageId: 'm1', data: Buffer.from(JSON.stringify({ schemaVersion: 1, operation: operation.name })), attributes: {}, source: 'agentline-agent-deploys' });
  return (await registry.getAgentRecord(record.name))!;
}

describe('deploying an agent with an OpenAPI toolset', () => {
  it('fetches spec_url once, at deploy, and runs the snapshot even after the document changes', async () => {
    const server = (held.server = await startPetstoreServer({ requireAuth: (request) => request.headers.authorization === 'Bearer tok' }));
    const model = new ScriptedModel([modelCalls([{ name: 'list_pets', args: { storeId: 's' } }]), modelText('ok')]);
    const world = (held.world = createInMemoryWorld({ model, toolCredentials: new InMemoryToolCredentials({ [authorization]: 'tok' }) }));
    world.agents.grantAuthorization('ada', authorization);
    const deployed = await deploy(world, `${server.origin}/openapi.json`, [authorization]);
    expect(deployed.state).toBe('ENABLED');
    expect(deployed.definition).toMatchObject({ kind: 'adk', openApiOperations: [{ toolName: 'list_pets', method: 'GET', serverUrl: `${server.origin}/v1` }, { toolName: 'create_pet' }] });

    server.serveDocument(manyOperationsDocument(1, 'https://elsewhere.example.com'));
    const run = await world.waitForRun(world.submit({ agent: { name: deployed.name }, input: 'list', userId: 'ada' }));

    expect(run.state).toBe('SUCCEEDED');
    expect(model.requests[0]!.functionDeclarations.map((declaration) => declaration.name)).toEqual(['list_pets', 'create_pet']);
    expect(server.received.map((request) => request.url)).toEqual(['/v1/stores/s/pets']);
  });

  it.each([
    ['the agent does not list the authorization', [] as string[], true, 'which the agent\'s authorizationConfig.toolAuthorizations does not list'],
    ['its creator does not hold it', [authorization], false, 'which ada does not hold'],
  ])('fails when %s', async (_case, listed, holds, reason) => {
    const server = (held.server = await startPetstoreServer());
    const world = (held.world = createInMemoryWorld({ model: new ScriptedModel([]) }));
    if (holds) world.agents.grantAuthorization('ada', authorization);
    const deployed = await deploy(world, `${server.origin}/openapi.json`, listed);
    expect(deployed).toMatchObject({ state: 'DEPLOYMENT_FAILED', stateReason: { message: expect.stringContaining(reason) } });
  });

  it('fails when the document URL is a private address', async () => {
    const world = (held.world = createInMemoryWorld({ model: new ScriptedModel([]) }));
    world.agents.grantAuthorization('ada', authorization);
    const deployed = await deploy(world, 'http://169.254.169.254/openapi.json', [authorization]);
    expect(deployed).toMatchObject({ state: 'DEPLOYMENT_FAILED', stateReason: { message: expect.stringContaining('Refusing to connect to 169.254.169.254') } });
  });
});
