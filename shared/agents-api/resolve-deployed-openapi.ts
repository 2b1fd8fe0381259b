import { parseAgentConfigYaml } from '../domain/agent-config.ts';
import type { AgentRecord } from '../domain/agents/agent-record.ts';
import type { OpenApiOperation } from '../domain/openapi-operation.ts';
import { checkToolsetAuthorizations } from '../tools/openapi/check-toolset-authorizations.ts';
import { resolveOpenApiToolsets } from '../tools/openapi/resolve-openapi-toolsets.ts';
import type { DeploymentChecks } from './decide-deployment.ts';

const source = 'adkAgentDefinition.agentConfig';

/**
 * The operations an ADK agent's OpenAPI toolsets expose, resolved at deploy to be snapshotted on
 * the agent (docs/architecture.md, "OpenAPI toolsets"): `spec_url` documents are fetched now,
 * through the guarded fetch, and never again for this deployment. Empty when it has none.
 *
 * @throws InvalidInputError / PermissionDeniedError saying what is wrong (the deploy fails with
 *   it); TransientError when a document's server may answer later.
 */
export async function resolveDeployedOpenApi(record: AgentRecord, checks: DeploymentChecks): Promise<OpenApiOperation[]> {
  const configYaml = record.fields.adkAgentDefinition?.agentConfig;
  if (configYaml === undefined) return [];
  const definition = parseAgentConfigYaml(configYaml, { fileName: source, availableTools: checks.availableTools });
  if (!definition.openApiToolsets) return [];
  await checkToolsetAuthorizations(
    definition,
    { userId: record.creator, listed: record.fields.authorizationConfig?.toolAuthorizations ?? [], source },
    checks.agents,
  );
  const toolsets = definition.openApiToolsets.map((config, index) => ({ index, config }));
  return resolveOpenApiToolsets(toolsets, {
    source,
    reservedNames: checks.availableTools,
    ...(checks.fetchOpenApiDocument ? { fetchDocument: checks.fetchOpenApiDocument } : {}),
  });
}
