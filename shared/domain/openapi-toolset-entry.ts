import type { OpenApiAuth } from './openapi-operation.ts';
import type { OpenApiToolsetConfig } from './openapi-toolset-config.ts';

/** A toolset as the ADK ToolConfig `tools` entry it was read from (`toAgentConfigYaml`). */
export function toOpenApiToolsetEntry(toolset: OpenApiToolsetConfig): { name: string; args: Record<string, unknown> } {
  const source = 'specUrl' in toolset.source ? { spec_url: toolset.source.specUrl } : { spec_str: toolset.source.specStr, spec_str_type: toolset.source.specStrType };
  return {
    name: 'OpenAPIToolset',
    args: {
      ...source,
      ...(toolset.toolFilter ? { tool_filter: toolset.toolFilter } : {}),
      ...(toolset.toolNamePrefix ? { tool_name_prefix: toolset.toolNamePrefix } : {}),
      ...(toolset.auth ? { auth: toAuthEntry(toolset.auth) } : {}),
    },
  };
}

function toAuthEntry(auth: OpenApiAuth): Record<string, unknown> {
  if (auth.scheme === 'api_key') return { authorization: auth.authorization, scheme: auth.scheme, in: auth.in, name: auth.name };
  if (auth.scheme === 'bearer') return { authorization: auth.authorization, scheme: auth.scheme };
  return { authorization: auth.authorization, scheme: auth.scheme, token_url: auth.tokenUrl, client_id: auth.clientId, scopes: auth.scopes };
}
