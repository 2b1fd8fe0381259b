import { describe, expect, it } from 'vitest';
import { startRecordingServer } from '../../testing/recording-server.ts';
import { manyOperationsDocument, petstoreDocument } from '../../testing/petstore-openapi.ts';
import { parseOpenApiDocument } from './parse-openapi-document.ts';
import { resolveOpenApiToolsets } from './resolve-openapi-toolsets.ts';
import { toFunctionDeclarations, toSnakeCase } from './to-function-declarations.ts';

const inline = (document: unknown) => ({ specStr: JSON.stringify(document), specStrType: 'json' as const });

describe('OpenAPI operations as function declarations', () => {
  it('merges path-level parameters, follows $ref and merges allOf into the body schema', async () => {
    const document = await parseOpenApiDocument(JSON.stringify(petstoreDocument('https://pets.example.com/v1')), 'json', 'petstore');
    const [list, create, show] = toFunctionDeclarations(document, {}, 'petstore');
    expect(list).toMatchObject({
      toolName: 'list_pets',
      description: 'List the pets of a store',
      method: 'GET',
      serverUrl: 'https://pets.example.com/v1',
      pathTemplate: '/stores/{storeId}/pets',
      parameters: [
        { name: 'storeId', in: 'path', argument: 'storeId', required: true },
        { name: 'limit', in: 'query', argument: 'limit', required: false },
      ],
      parametersJsonSchema: {
        type: 'object',
        properties: { storeId: { type: 'string', description: 'The store' }, limit: { type: 'integer', maximum: 100, description: 'At most this many' } },
        required: ['storeId'],
      },
    });
    expect(create).toMatchObject({ toolName: 'create_pet', method: 'POST', body: { contentType: 'application/json', required: true } });
    expect(create!.parametersJsonSchema).toEqual({
      type: 'object',
      properties: {
        storeId: { type: 'string', description: 'The store' },
        body: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, tag: { type: ['string', 'null'] } } },
      },
      required: ['storeId', 'body'],
    });
    expect(show!.parameters.map((parameter) => parameter.name)).toEqual(['storeId', 'petId']);
  });

  it('converts only the operations tool_filter names, in its order, with the prefix', async () => {
    const document = await parseOpenApiDocument(JSON.stringify(petstoreDocument('https://pets.example.com')), 'json', 'petstore');
    const selected = toFunctionDeclarations(document, { toolFilter: ['showPetById', 'listPets'], toolNamePrefix: 'store' }, 'petstore');
    expect(selected.map((operation) => operation.toolName)).toEqual(['store_show_pet_by_id', 'store_list_pets']);
    expect(() => toFunctionDeclarations(document, { toolFilter: ['deletePet'] }, 'petstore')).toThrow('tool_filter names operationId "deletePet"');
  });

  it('refuses a selection over the operation cap, naming it, before converting anything', async () => {
    const toolsets = [{ index: 0, config: { source: inline(manyOperationsDocument(300)) } }];
    await expect(resolveOpenApiToolsets(toolsets, { source: 'agent.yaml', reservedNames: [] })).rejects.toThrow(
      'agent.yaml: tools[0]: 300 operations selected, over the limit of 64 operations per agent (openApiLimits.maxOperations)',
    );
  });

  it('refuses toolsets that together pass the cap, and keeps names unique across them and the built-ins', async () => {
    const half = { source: inline(manyOperationsDocument(40)) };
    await expect(resolveOpenApiToolsets([{ index: 0, config: half }, { index: 1, config: half }], { source: 'a', reservedNames: [] })).rejects.toThrow(
      'expose 80 operations, over the limit of 64',
    );
    const few = { source: inline(manyOperationsDocument(2)) };
    const operations = await resolveOpenApiToolsets([{ index: 0, config: few }, { index: 1, config: few }], { source: 'a', reservedNames: ['op1'] });
    expect(operations.map((operation) => operation.toolName)).toEqual(['op0', 'op1_2', 'op0_2', 'op1_3']);
  });

  it.each([
    ['an external $ref', { ...manyOperationsDocument(1), components: { schemas: { A: { $ref: 'https://evil.example.com/a.json' } } } }, 'points outside the document'],
    ['Swagger 2', { swagger: '2.0', info: { title: 't', version: '1' }, paths: {} }, 'expected an OpenAPI 3.0 or 3.1 document'],
    ['an invalid document', { openapi: '3.0.3', paths: {} }, 'invalid OpenAPI document'],
  ])('refuses %s', async (_case, document, message) => {
    await expect(resolveOpenApiToolsets([{ index: 0, config: { source: inline(document) } }], { source: 'a', reservedNames: [] })).rejects.toThrow(message);
  });

  it('refuses a spec_url where documents may not be fetched', async () => {
    const toolsets = [{ index: 2, config: { source: { specUrl: 'https://api.example.com/openapi.json' } } }];
    await expect(resolveOpenApiToolsets(toolsets, { source: 'run.yaml', reservedNames: [] })).rejects.toThrow('run.yaml: tools[2]: spec_url documents are fetched when an agent is deployed');
  });

  it.each([
    ['listPets', 'list_pets'],
    ['getHTTPResponse', 'get_http_response'],
    ['pets.find-by-tag', 'pets_find_by_tag'],
    ['2fa', 'op_2fa'],
  ])('names %s %s', (operationId, name) => {
    expect(toSnakeCase(operationId)).toBe(name);
  });

  it('never reads an external $ref: a reference to a file or an address is refused, and nothing is fetched', async () => {
    const server = await startRecordingServer('{"type": "string"}');
    try {
      for (const ref of ['file:///etc/passwd', 'http://169.254.169.254/computeMetadata/v1/', `${server.url}/schema.json`, 'other.yaml#/Pet']) {
        const document = { openapi: '3.0.3', info: { title: 'x', version: '1' }, servers: [{ url: 'https://x.example' }], paths: { '/a': { get: { parameters: [{ name: 'q', in: 'query', schema: { $ref: ref } }], responses: { '200': { description: 'ok' } } } } } };
        await expect(parseOpenApiDocument(JSON.stringify(document), 'json', 'tools[0]')).rejects.toThrow(`tools[0]: $ref "${ref}" points outside the document; only same-document references (#/...) are supported`);
      }
      expect(server.requested).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('resolves a relative server URL against the URL the document came from, and refuses one without it', async () => {
    const relative = await parseOpenApiDocument(JSON.stringify({ ...petstoreDocument('https://unused.example'), servers: [{ url: '/api/v2' }] }), 'json', 'petstore');
    expect(toFunctionDeclarations(relative, {}, 'petstore', 'https://docs.example/openapi.yaml')[0]!.serverUrl).toBe('https://docs.example/api/v2');
    expect(() => toFunctionDeclarations(relative, {}, 'petstore')).toThrow(/no absolute http\(s\) server URL \(servers\[0\]\.url is "\/api\/v2"\)/);
  });

  it('refuses what is not an OpenAPI 3 document, naming why', async () => {
    await expect(parseOpenApiDocument('swagger: "2.0"\ninfo: {title: x, version: "1"}\npaths: {}\n', 'yaml', 'tools[0]')).rejects.toThrow('tools[0]: expected an OpenAPI 3.0 or 3.1 document (a mapping with "openapi: 3.x.y")');
    await expect(parseOpenApiDocument('{ not json', 'json', 'tools[0]')).rejects.toThrow(/^tools\[0\]: not valid JSON: /);
    await expect(parseOpenApiDocument('openapi: 3.0.0\ninfo: {title: x}\npaths: {}\n', 'yaml', 'tools[0]')).rejects.toThrow(/^tools\[0\]: invalid OpenAPI document: /);
  });
});
