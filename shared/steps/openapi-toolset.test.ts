import { describe, expect, it } from 'vitest';
import { noFaults, withFaults } from '../testing/fault-layer.ts';
import { petstoreDocument } from '../testing/petstore-openapi.ts';
import { startPetstoreServer, useOpenApiTestCleanup, type PetstoreServer } from '../testing/petstore-server.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const held = useOpenApiTestCleanup();

function configYaml(petstore: PetstoreServer, extraArgs = ''): string {
  const specStr = JSON.stringify(JSON.stringify(petstoreDocument(`${petstore.origin}/v1`)));
  return `name: petshop\ninstruction: Manage the pets.\ntools:\n  - name: OpenAPIToolset\n    args:\n      spec_str: ${specStr}\n      spec_str_type: json\n${extraArgs}`;
}

/** The function responses the model was sent, by name, from its last request. */
function functionResponses(model: ScriptedModel): Record<string, unknown>[] {
  const last = model.requests.at(-1)!;
  return last.contents.flatMap((content) => content.parts.flatMap((part) => ('functionResponse' in part && part.functionResponse ? [part.functionResponse.response as Record<string, unknown>] : [])));
}

describe('an OpenAPI toolset', () => {
  it('exposes the operations as functions and calls them, path-level parameters, query and body included', async () => {
    const server = (held.server = await startPetstoreServer());
    const model = new ScriptedModel([
      modelCalls([
        { name: 'list_pets', args: { storeId: 'north', limit: 5 } },
        { name: 'create_pet', args: { storeId: 'north', body: { name: 'Tom', tag: null } } },
      ]),
      modelText('done'),
    ]);
    const world = (held.world = createInMemoryWorld({ model }));
    const run = await world.waitForRun(world.submit({ agent: { configYaml: configYaml(server) }, input: 'list and add' }));

    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'done' } });
    const declarations = model.requests[0]!.functionDeclarations;
    expect(declarations.map((declaration) => declaration.name)).toEqual(['list_pets', 'create_pet', 'show_pet_by_id']);
    expect(declarations[1]!.parametersJsonSchema).toMatchObject({ required: ['storeId', 'body'], properties: { body: { required: ['name'] } } });
    expect(server.received.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /v1/stores/north/pets?limit=5', 'POST /v1/stores/north/pets']);
    expect(server.received[1]!.headers['idempotency-key']).toBe(`${run.runId}/${(await world.store.listSteps(run.runId)).find((step) => step.kind === 'tool' && step.input?.functionCall.name === 'create_pet')!.stepId}`);
    expect(server.received[0]!.headers['idempotency-key']).toBeUndefined();
    expect(functionResponses(model)).toEqual([
      { output: { status: 200, body: [{ id: 1, name: 'Rex', storeId: 'north', limit: '5' }] } },
      { output: { status: 201, body: { id: 100, storeId: 'north', name: 'Tom', tag: null } } },
    ]);
    model.assertAllUsed();
  });

  it('sends a POST retried after a crash with the same Idempotency-Key, so the server makes one pet', async () => {
    const server = (held.server = await startPetstoreServer());
    const model = new ScriptedModel([modelCalls([{ name: 'create_pet', args: { storeId: 'north', body: { name: 'Tom' } } }]), modelText('added')]);
    const world = (held.world = createInMemoryWorld({ model, decorate: withFaults({ ...noFaults(), crashAfterNextToolCall: true }), settings: { leaseMs: { model: 30, tool: 30 } } }));
    const run = await world.waitForRun(world.submit({ agent: { configYaml: configYaml(server) }, input: 'add Tom' }));

    expect(run.state).toBe('SUCCEEDED');
    expect(server.received).toHaveLength(2);
    expect(server.received[0]!.headers['idempotency-key']).toBe(server.received[1]!.headers['idempotency-key']);
    expect(server.createdByKey.size).toBe(1);
    expect(functionResponses(model)).toEqual([{ output: { status: 201, body: { id: 100, storeId: 'north', name: 'Tom' } } }]);
  });

  it('refuses a redirect to the metadata server and tells the model; a 404 becomes a tool error with its status and body', async () => {
    const server = (held.server = await startPetstoreServer());
    const model = new ScriptedModel([
      modelCalls([
        { name: 'show_pet_by_id', args: { storeId: 'north', petId: 'moved' } },
        { name: 'show_pet_by_id', args: { storeId: 'north', petId: 'missing' } },
      ]),
      modelText('could not'),
    ]);
    const world = (held.world = createInMemoryWorld({ model }));
    const run = await world.waitForRun(world.submit({ agent: { configYaml: configYaml(server) }, input: 'show' }));

    expect(run.state).toBe('SUCCEEDED');
    const [moved, missing] = functionResponses(model);
    expect(moved!.error).toMatch(/GET \/stores\/\{storeId\}\/pets\/\{petId\} failed: Refusing to connect to 169\.254\.169\.254/);
    expect(missing!.error).toBe('GET /stores/{storeId}/pets/{petId} answered HTTP 404 Not Found: {"error":"pet missing is not in store north"}');
  });

  it('refuses a run of an inline config whose toolset selects more operations than the cap, naming it', async () => {
    const world = (held.world = createInMemoryWorld({ model: new ScriptedModel([]) }));
    const paths = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`/t${index}`, { get: { operationId: `t${index}`, responses: { '200': { description: 'ok' } } } }]));
    const document = { openapi: '3.0.3', info: { title: 'big', version: '1' }, servers: [{ url: 'https://api.example.com' }], paths };
    const yaml = `name: big\ninstruction: x\ntools:\n  - name: OpenAPIToolset\n    args:\n      spec_str: ${JSON.stringify(JSON.stringify(document))}\n`;
    const run = await world.waitForRun(world.submit({ agent: { configYaml: yaml, fileName: 'big.yaml' }, input: 'hi' }));
    expect(run.state).toBe('FAILED');
    expect(run.error?.message).toContain('big.yaml: tools[0]: 65 operations selected, over the limit of 64 operations per agent (openApiLimits.maxOperations)');
  });
});
