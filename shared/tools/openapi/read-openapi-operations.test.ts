import { describe, expect, it } from 'vitest';
import { startRecordingServer } from '../../testing/recording-server.ts';
import { readOpenApiOperations } from './read-openapi-operations.ts';

// A petstore-like document: a path-level parameter, allOf over a $ref, a required JSON body.
const petstore = `
openapi: 3.0.3
info: { title: Pets, version: '1' }
servers:
  - url: https://{region}.pets.example/v1
    variables: { region: { default: eu } }
paths:
  /stores/{storeId}/pets:
    parameters:
      - { name: storeId, in: path, required: true, schema: { type: string }, description: The store }
    get:
      operationId: listPets
      summary: Lists the store's pets
      parameters:
        - { name: limit, in: query, schema: { type: integer, maximum: 100 } }
        - { name: X-Trace, in: header, schema: { type: string } }
      responses: { '200': { description: ok } }
    post:
      operationId: createPet
      summary: Adds a pet
      requestBody:
        required: true
        content:
          application/json:
            schema:
              allOf:
                - $ref: '#/components/schemas/NewPet'
                - type: object
                  required: [tag]
                  properties: { tag: { type: string } }
      responses: { '201': { description: created } }
  /pets/{petId}:
    delete:
      parameters: [{ name: petId, in: path, required: true, schema: { type: integer } }]
      responses: { '204': { description: gone } }
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        id: { type: integer, readOnly: true }
        name: { type: string, description: What the pet answers to }
`;

describe('readOpenApiOperations', () => {
  it('makes each operation a tool: path-level and operation parameters merged, allOf over $ref flattened, the JSON body as body', async () => {
    const operations = await readOpenApiOperations(petstore);
    expect(operations.map((operation) => [operation.toolName, operation.method, operation.serverUrl, operation.pathTemplate])).toEqual([
      ['list_pets', 'get', 'https://eu.pets.example/v1', '/stores/{storeId}/pets'],
      ['create_pet', 'post', 'https://eu.pets.example/v1', '/stores/{storeId}/pets'],
      ['delete_pets_pet_id', 'delete', 'https://eu.pets.example/v1', '/pets/{petId}'],
    ]);
    const [list, create] = operations;
    expect(list!.arguments).toEqual([
      { argument: 'storeId', name: 'storeId', in: 'path', required: true },
      { argument: 'limit', name: 'limit', in: 'query', required: false },
      { argument: 'X_Trace', name: 'X-Trace', in: 'header', required: false },
    ]);
    expect(list!.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { storeId: { type: 'string', description: 'The store' }, limit: { type: 'integer', maximum: 100 }, X_Trace: { type: 'string' } },
      required: ['storeId'],
    });
    expect(create!.body).toEqual({ required: true });
    expect(create!.parametersJsonSchema['properties']).toEqual({
      storeId: { type: 'string', description: 'The store' },
      // The read-only id is not the model's to send.
      body: { type: 'object', properties: { name: { type: 'string', description: 'What the pet answers to' }, tag: { type: 'string' } }, required: ['name', 'tag'] },
    });
    expect(create!.parametersJsonSchema['required']).toEqual(['storeId', 'body']);
  });

  it('exposes only the operations tool_filter names, by operationId or tool name, and refuses a name the document lacks', async () => {
    expect((await readOpenApiOperations(petstore, { select: ['listPets', 'delete_pets_pet_id'] })).map((operation) => operation.toolName)).toEqual(['list_pets', 'delete_pets_pet_id']);
    await expect(readOpenApiOperations(petstore, { select: ['listPet'] })).rejects.toThrow('tool_filter names listPet, which the document does not have. Its operations: listPets, createPet, delete_pets_pet_id');
  });

  it('refuses a document with more operations than the model should be given, naming the limit', async () => {
    const paths = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`/things/${index}`, { get: { operationId: `getThing${index}`, responses: { '200': { description: 'ok' } } } }]));
    const big = { openapi: '3.1.0', info: { title: 'Big', version: '1' }, servers: [{ url: 'https://big.example' }], paths };
    await expect(readOpenApiOperations(big)).rejects.toThrow('The toolset would give the model 300 operations, over the limit of 64: choose the ones the agent needs with tool_filter');
    expect(await readOpenApiOperations(big, { select: ['getThing7'] })).toHaveLength(1);
  });

  it('never reads an external $ref: a reference to a file or an address is refused, and nothing is fetched', async () => {
    const server = await startRecordingServer('{"type": "string"}');
    try {
      const local = `${server.url}/schema.json`;
      for (const ref of ['file:///etc/passwd', 'http://169.254.169.254/computeMetadata/v1/', local, 'other.yaml#/Pet']) {
        const document = { openapi: '3.0.3', info: { title: 'x', version: '1' }, servers: [{ url: 'https://x.example' }], paths: { '/a': { get: { parameters: [{ name: 'q', in: 'query', schema: { $ref: ref } }], responses: { '200': { description: 'ok' } } } } } };
        await expect(readOpenApiOperations(document)).rejects.toThrow(`GET /a q: $ref ${JSON.stringify(ref)} points outside the document, which is not read`);
      }
      expect(server.requested).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('resolves a relative server URL against the URL the document came from, and refuses one without it', async () => {
    const relative = petstore.replace('https://{region}.pets.example/v1', '/api/v2');
    expect((await readOpenApiOperations(relative, { documentUrl: 'https://docs.example/openapi.yaml' }))[0]!.serverUrl).toBe('https://docs.example/api/v2');
    await expect(readOpenApiOperations(relative)).rejects.toThrow(/server URL "\/api\/v2" is not an absolute HTTP URL \(a relative one needs the document to come from a URL\)/);
  });

  it('refuses what is not an OpenAPI 3 document, naming why', async () => {
    await expect(readOpenApiOperations('swagger: "2.0"\ninfo: {title: x, version: "1"}\npaths: {}\n')).rejects.toThrow('Not an OpenAPI 3 document (its "openapi" field is null; Swagger 2 documents are not read)');
    await expect(readOpenApiOperations('{ not yaml: [')).rejects.toThrow(/neither JSON nor YAML/);
    await expect(readOpenApiOperations('openapi: 3.0.0\ninfo: {title: x}\npaths: {}\n')).rejects.toThrow(/The OpenAPI document is not valid/);
  });
});
