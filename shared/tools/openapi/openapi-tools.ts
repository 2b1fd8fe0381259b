import { isRepeatableMethod, type OpenApiOperation } from '../../domain/openapi-operation.ts';
import type { Run } from '../../domain/run.ts';
import type { Tool } from '../tool.ts';
import { toolsetToolBase } from '../arguments-schema.ts';
import type { OpenApiCaller } from './call-operation.ts';

/**
 * The run's OpenAPI operations as tools (docs/architecture.md, "OpenAPI toolsets"): GET and HEAD
 * repeatable; every other method non-repeatable, sending the call's idempotency key. A generic
 * API cannot be asked whether a request took effect, so `reconcile` answers "send again" and the
 * retry resends with the same `Idempotency-Key`: deduplicating it is the API's side of the
 * contract.
 */
export function openApiToolsOf(run: Run, caller: OpenApiCaller | undefined): Tool[] {
  return (run.agent?.openApiOperations ?? []).map((operation) => toTool(operation, caller));
}

function toTool(operation: OpenApiOperation, caller: OpenApiCaller | undefined): Tool {
  const base = toolsetToolBase(operation, caller, 'OpenAPI');
  if (isRepeatableMethod(operation.method)) return { ...base, repeatable: true };
  return { ...base, repeatable: false, reconcilesByResending: true, reconcile: () => Promise.resolve({ happened: false }) };
}
