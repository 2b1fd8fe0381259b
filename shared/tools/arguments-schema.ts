import { z } from 'zod';
import { ToolFailure, type ToolContext } from './tool.ts';

/**
 * A toolset tool's arguments schema from the JSON Schema its source gives (an OpenAPI operation's,
 * an MCP tool's), validated before a call; any object when zod cannot read the JSON Schema (the
 * server then judges the arguments itself).
 */
export function argumentsSchemaOf(parametersJsonSchema: Record<string, unknown>): z.ZodType<Record<string, unknown>> {
  try {
    return z.fromJSONSchema(parametersJsonSchema as never) as z.ZodType<Record<string, unknown>>;
  } catch {
    return z.record(z.string(), z.unknown());
  }
}

/**
 * What every tool of a toolset has (an OpenAPI operation, an MCP tool): its declaration from the
 * snapshot, and an `execute` through the deployment's caller — a tool error where none is set up.
 */
export function toolsetToolBase<Snapshot extends { toolName: string; description: string; parametersJsonSchema: Record<string, unknown> }>(
  snapshot: Snapshot,
  caller: { call(snapshot: Snapshot, args: Record<string, unknown>, context: ToolContext): Promise<unknown> } | undefined,
  kind: string,
) {
  return {
    name: snapshot.toolName,
    description: snapshot.description,
    inputSchema: argumentsSchemaOf(snapshot.parametersJsonSchema),
    parametersJsonSchema: snapshot.parametersJsonSchema,
    execute(input: unknown, context: ToolContext) {
      if (!caller) return Promise.reject(new ToolFailure(`${kind} tools are not set up in this deployment`));
      return caller.call(snapshot, input as Record<string, unknown>, context);
    },
  };
}
