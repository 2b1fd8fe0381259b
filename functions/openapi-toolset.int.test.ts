import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { noFaults, withFaults, type Faults } from '../shared/testing/fault-layer.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { petstoreDocument } from '../shared/testing/petstore-openapi.ts';
import { startPetstoreServer, type PetstoreServer } from '../shared/testing/petstore-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { startTestStack, wireServerTestEnv } from '../shared/testing/test-stack.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// An OpenAPI toolset on the local stack (the Firestore and Pub/Sub emulators, the real Gemini
// client against a wire server), calling a petstore the test serves: the snapshot on the run, the
// calls as declared, and a POST whose step died after sending it, resent with the same key.
let stack: LocalStack;
let gemini: GeminiWireServer;
let petstore: PetstoreServer;
const faults: Faults = noFaults();

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  petstore = await startPetstoreServer();
  stack = await startTestStack('openapi', { env: wireServerTestEnv(gemini.url), decorate: withFaults(faults) });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
  await petstore?.close();
});

function agentYaml(): string {
  const specStr = JSON.stringify(JSON.stringify(petstoreDocument(`${petstore.origin}/v1`)));
  return `name: petshop\nmodel: gemini-2.5-flash\ninstruction: Manage the pets.\ntools:\n  - name: OpenAPIToolset\n    args:\n      spec_str: ${specStr}\n      spec_str_type: json\n      tool_filter: [listPets, createPet]\n`;
}

describe('an OpenAPI toolset on the local stack', () => {
  it('snapshots the operations on the run and calls them; a POST whose step died after sending it is resent with its key, one pet made', async () => {
    gemini.script([
      functionCallReply([{ name: 'create_pet', args: { storeId: 'north', body: { name: 'Tom' } } }]),
      functionCallReply([{ name: 'list_pets', args: { storeId: 'north', limit: 2 } }]),
      textReply('Tom is in'),
    ]);
    faults.crashAfterNextToolCall = true;
    const runId = await submitToStack(stack, { schemaVersion: 1, agent: { configYaml: agentYaml(), fileName: 'petshop.yaml' }, input: 'add Tom', userId: 'ada', idempotencyKey: `openapi-${Date.now()}` });
    const run = await waitForTerminalRun(stack.deps.store, runId, 60_000);

    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'Tom is in' } });
    expect(run.agent?.openApiOperations?.map((operation) => `${operation.toolName} ${operation.method} ${operation.pathTemplate}`)).toEqual(['list_pets GET /stores/{storeId}/pets', 'create_pet POST /stores/{storeId}/pets']);
    expect(gemini.requests[0]!.body.tools?.[0]?.functionDeclarations?.map((declaration) => declaration.name)).toEqual(['list_pets', 'create_pet']);
    const posts = petstore.received.filter((request) => request.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.headers['idempotency-key']).toBe(posts[0]!.headers['idempotency-key']);
    expect(posts[0]!.headers['idempotency-key']).toBe(`${runId}/0-tool-0`);
    expect(petstore.createdByKey.size).toBe(1);
    expect(petstore.received.filter((request) => request.method === 'GET').map((request) => request.url)).toEqual(['/v1/stores/north/pets?limit=2']);
    const created = gemini.requests[1]!.body.contents.at(-1)!.parts[0]!.functionResponse!.response;
    expect(created).toEqual({ output: { status: 201, body: { id: 100, storeId: 'north', name: 'Tom' } } });
    gemini.assertAllRepliesUsed();
  });
});
