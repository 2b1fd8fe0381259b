/**
 * A petstore-like OpenAPI 3 document for tests: path-level parameters, `allOf`, `$ref`s to
 * components, a JSON request body, served at `serverUrl`.
 */
export function petstoreDocument(serverUrl: string): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: 'Petstore', version: '1.0.0' },
    servers: [{ url: serverUrl }],
    paths: {
      '/stores/{storeId}/pets': {
        parameters: [{ $ref: '#/components/parameters/StoreId' }],
        get: {
          operationId: 'listPets',
          summary: 'List the pets of a store',
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 }, description: 'At most this many' }],
          responses: { '200': { description: 'The pets', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } } } } },
        },
        post: {
          operationId: 'createPet',
          summary: 'Add a pet to a store',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } } },
          responses: { '201': { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } },
        },
      },
      '/stores/{storeId}/pets/{petId}': {
        parameters: [{ $ref: '#/components/parameters/StoreId' }, { name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
        get: { operationId: 'showPetById', description: 'One pet', responses: { '200': { description: 'The pet' } } },
      },
    },
    components: {
      parameters: { StoreId: { name: 'storeId', in: 'path', required: true, description: 'The store', schema: { type: 'string' } } },
      schemas: {
        NewPet: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, tag: { type: 'string', nullable: true } } },
        Pet: { allOf: [{ $ref: '#/components/schemas/NewPet' }, { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } }] },
      },
    },
  };
}

/** A valid document with `count` GET operations `op0`…, for the limits. */
export function manyOperationsDocument(count: number, serverUrl = 'https://api.example.com'): Record<string, unknown> {
  const paths = Object.fromEntries(
    Array.from({ length: count }, (_, index) => [`/things/${index}`, { get: { operationId: `op${index}`, responses: { '200': { description: 'ok' } } } }]),
  );
  return { openapi: '3.0.3', info: { title: 'Many', version: '1' }, servers: [{ url: serverUrl }], paths };
}
