import type { AgentDefinition } from '../domain/agent-config.ts';
import { FailedPreconditionError } from '../domain/errors.ts';
import type { OpenApiOperation } from '../domain/openapi-operation.ts';
import type { RunAgent } from '../domain/run.ts';
import type { AgentCatalog } from '../ports/agent-catalog.ts';
import { checkToolsetAuthorizations } from '../tools/openapi/check-toolset-authorizations.ts';
import { resolveOpenApiToolsets } from '../tools/openapi/resolve-openapi-toolsets.ts';

/**
 * The OpenAPI operations of a run's agent (docs/architecture.md, "OpenAPI toolsets"). A registered
 * agent's were resolved at deploy and are taken as stored; an inline config's are resolved when
 * its run starts, from inline documents only (no document is fetched for a run), with
 * authorizations the submitter holds.
 */
export async function resolveInlineOpenApi(
  definition: AgentDefinition,
  run: { fileName: string; userId: string | undefined; availableTools: readonly string[] },
  agents: Pick<AgentCatalog, 'holdsAuthorization'>,
): Promise<OpenApiOperation[]> {
  if (!definition.openApiToolsets) return [];
  await checkToolsetAuthorizations(definition, { userId: run.userId, source: run.fileName }, agents);
  const toolsets = definition.openApiToolsets.map((config, index) => ({ index, config }));
  return resolveOpenApiToolsets(toolsets, { source: run.fileName, reservedNames: run.availableTools });
}

/**
 * A registered agent's snapshot. An agent with toolsets but no snapshot was deployed before
 * OpenAPI toolsets existed (its deploy would have refused them): it must be deployed again.
 */
export function deployedOpenApi(name: string, definition: AgentDefinition, snapshot: OpenApiOperation[] | undefined): OpenApiOperation[] {
  if (!definition.openApiToolsets) return [];
  if (!snapshot) throw new FailedPreconditionError(`Agent ${name} has OpenAPI toolsets that were never resolved by a deploy; deploy it again`);
  return snapshot;
}

/** Names a sub-agent's function may not take: the built-in tools and the OpenAPI operations. */
export function reservedNames(availableTools: readonly string[], operations: readonly OpenApiOperation[]): string[] {
  return [...availableTools, ...operations.map((operation) => operation.toolName)];
}

export function withOpenApi(operations: OpenApiOperation[]): Pick<RunAgent, 'openApiOperations'> {
  return operations.length > 0 ? { openApiOperations: operations } : {};
}
