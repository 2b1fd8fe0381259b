import type { AgentFieldContext } from './agent-config-fields.ts';
import { configArgPath, describeType, isPlainObject, joinPath, readKnownFields, type ConfigProblem } from './config-problems.ts';
import { openApiLimits, openApiToolsetConfigSchema, type OpenApiToolsetConfig } from './openapi-toolset-config.ts';

/**
 * A `tools` entry `{name: OpenAPIToolset, args: {...}}` (docs/architecture.md, "OpenAPI
 * toolsets"). The args follow ADK's OpenAPIToolset where it has names — `spec_str` with
 * `spec_str_type`, `spec_dict`, `tool_filter`, `tool_name_prefix` — and add `spec_url` (fetched at
 * deploy) and `auth`. The document itself is resolved later, at deploy or when an inline config's
 * run starts; here only the shape is checked.
 */

/** The tool names that mean ADK's OpenAPIToolset. */
export const openApiToolsetNames: ReadonlySet<string> = new Set(['OpenAPIToolset', 'google.adk.tools.openapi_tool.OpenAPIToolset']);

const argFields = ['spec_str', 'spec_str_type', 'spec_dict', 'spec_url', 'spec_path', 'tool_filter', 'tool_name_prefix', 'auth'] as const;
const authFields = ['authorization', 'scheme', 'in', 'name', 'token_url', 'client_id', 'scopes'] as const;

export function readOpenApiToolset(args: unknown, path: string, context: AgentFieldContext): void {
  const argsPath = joinPath(path, 'args');
  if (!isPlainObject(args)) {
    context.problems.push({ path: argsPath, message: `OpenAPIToolset needs args with spec_str, spec_dict or spec_url, got ${describeType(args)}` });
    return;
  }
  const { fields, problems } = readKnownFields(args, argFields, argsPath, { acceptCamelCase: false });
  const value = (name: string) => fields.get(name)?.value ?? undefined;
  if (value('spec_path') !== undefined) {
    problems.push({ path: joinPath(argsPath, 'spec_path'), message: 'is read by the agentline CLI (run, batches, agents create), which sends the document inline; elsewhere give spec_str, spec_dict or spec_url' });
  }
  const given = (['spec_str', 'spec_dict', 'spec_url'] as const).filter((name) => value(name) !== undefined);
  if (given.length !== 1) {
    problems.push({ path: argsPath, message: `exactly one of spec_str, spec_dict or spec_url is required${given.length > 1 ? `, got ${given.join(' and ')}` : ''}` });
  }
  const source = sourceOf(given[0], value, argsPath, problems);
  const auth = value('auth');
  const candidate = {
    ...(source ? { source } : {}),
    ...(value('tool_filter') !== undefined ? { toolFilter: value('tool_filter') } : {}),
    ...(value('tool_name_prefix') !== undefined ? { toolNamePrefix: value('tool_name_prefix') } : {}),
    ...(auth !== undefined ? { auth: authOf(auth, joinPath(argsPath, 'auth'), problems) } : {}),
  };
  if (problems.length > 0) return void context.problems.push(...problems);
  const parsed = openApiToolsetConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) context.problems.push({ path: joinPath(argsPath, configArgPath(issue.path, argNames)), message: issue.message });
    return;
  }
  context.draft.openApiToolsets.push(parsed.data);
}

function sourceOf(field: string | undefined, value: (name: string) => unknown, path: string, problems: ConfigProblem[]): OpenApiToolsetConfig['source'] | undefined {
  if (field === 'spec_url') return { specUrl: value('spec_url') as string };
  const type = value('spec_str_type') ?? 'json'; // ADK's default
  if (type !== 'json' && type !== 'yaml') problems.push({ path: joinPath(path, 'spec_str_type'), message: `expected "json" or "yaml", got ${JSON.stringify(type)}` });
  let specStr: unknown = value('spec_str');
  if (field === 'spec_dict') {
    if (!isPlainObject(value('spec_dict'))) problems.push({ path: joinPath(path, 'spec_dict'), message: `expected a mapping, got ${describeType(value('spec_dict'))}` });
    specStr = JSON.stringify(value('spec_dict'));
  }
  if (field === undefined || typeof specStr !== 'string') return undefined;
  if (Buffer.byteLength(specStr) > openApiLimits.maxInlineSpecBytes) {
    problems.push({ path: joinPath(path, field), message: `the inline document is over ${openApiLimits.maxInlineSpecBytes} bytes (it is stored with the agent and every run); serve it and give spec_url` });
  }
  return { specStr, specStrType: field === 'spec_dict' ? 'json' : (type as 'json' | 'yaml') };
}

function authOf(auth: unknown, path: string, problems: ConfigProblem[]): unknown {
  if (!isPlainObject(auth)) return auth;
  const { fields, problems: unknown } = readKnownFields(auth, authFields, path, { acceptCamelCase: false });
  problems.push(...unknown);
  const value = (name: string) => fields.get(name)?.value;
  const tokenUrl = value('token_url');
  const clientId = value('client_id');
  const scopes = value('scopes');
  return {
    authorization: value('authorization'),
    scheme: value('scheme'),
    ...(value('in') !== undefined ? { in: value('in') } : {}),
    ...(value('name') !== undefined ? { name: value('name') } : {}),
    ...(tokenUrl !== undefined ? { tokenUrl } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(value('scheme') === 'oauth2_client_credentials' ? { scopes: scopes ?? [] } : scopes !== undefined ? { scopes } : {}),
  };
}

const argNames: Readonly<Record<string, string>> = { toolFilter: 'tool_filter', toolNamePrefix: 'tool_name_prefix', specUrl: 'spec_url', tokenUrl: 'token_url', clientId: 'client_id', source: '' };
