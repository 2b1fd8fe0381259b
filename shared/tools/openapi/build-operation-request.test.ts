import { describe, expect, it } from 'vitest';
import type { OpenApiOperation } from '../../domain/openapi-operation.ts';
import { ToolFailure } from '../tool.ts';
import { buildOperationRequest } from './build-operation-request.ts';

const operation: OpenApiOperation = {
  toolName: 'show_pet',
  description: 'A pet',
  method: 'GET',
  serverUrl: 'https://pets.example/v1',
  pathTemplate: '/stores/{storeId}/pets',
  parameters: [
    { name: 'storeId', in: 'path', argument: 'storeId', required: true },
    { name: 'X-Trace', in: 'header', argument: 'trace', required: false },
  ],
  parametersJsonSchema: { type: 'object' },
};
const apiKey = { headers: { 'X-Api-Key': 'secret-key' }, query: {}, secrets: ['secret-key'] };

describe('buildOperationRequest', () => {
  it('puts a path argument in its one segment, encoded, and refuses one that would climb out of it', () => {
    expect(buildOperationRequest(operation, { storeId: 'a/b c' }, apiKey, undefined).url.href).toBe('https://pets.example/v1/stores/a%2Fb%20c/pets');
    for (const value of ['..', '.', '']) {
      expect(() => buildOperationRequest(operation, { storeId: value }, apiKey, undefined)).toThrow(new ToolFailure(`storeId cannot be ${JSON.stringify(value)}: it must name one path segment`));
    }
  });

  it('never lets a header argument replace the credential or the idempotency key', () => {
    const withHeaders = { ...operation, parameters: [...operation.parameters, { name: 'X-Api-Key', in: 'header' as const, argument: 'key', required: false }, { name: 'Idempotency-Key', in: 'header' as const, argument: 'idem', required: false }] };
    const { init } = buildOperationRequest(withHeaders, { storeId: 's', key: 'model-chosen', idem: 'model-chosen', trace: 't1' }, apiKey, 'run-1/3-tool-0');
    expect(init.headers).toMatchObject({ 'x-api-key': 'secret-key', 'idempotency-key': 'run-1/3-tool-0', 'x-trace': 't1' });
  });
});
