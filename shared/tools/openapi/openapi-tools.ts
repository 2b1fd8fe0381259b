import { z } from 'zod';
import { isRepeatableMethod, type OpenApiOperation } from '../../domain/openapi-operation.ts';
import type { Run } from '../../domain/run.ts';
import { ToolFailure, type Tool, type ToolContext } from '../tool.ts';
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
  const base = {
    name: operation.toolName,
    description: operation.description,
    inputSchema: argumentsSchemaOf(operation),
    parametersJsonSchema: operation.parametersJsonSchema,
    execute(input: unknown, context: ToolContext) {
      if (!caller) return Promise.reject(new ToolFailure('OpenAPI tools are not set up in this deployment'));
      return caller.call(operation, input as Record<string, unknown>, context);
    },
  };
  if (isRepeatableMethod(operation.method)) return { ...base, repeatable: true };
  return { ...base, repeatable: false, reconcilesByResending: true, reconcile: () => Promise.resolve({ happened: false }) };
}

/** The arguments' schema, validated before a call; any object when zod cannot read the JSON Schema. */
function argumentsSchemaOf(operation: OpenApiOperation): z.ZodType<Record<string, unknown>> {
  try {
    return z.fromJSONSchema(operation.parametersJsonSchema as never) as z.ZodType<Record<string, unknown>>;
  } catch {
    return z.record(z.string(), z.unknown());
  }
}
