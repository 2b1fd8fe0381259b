import SwaggerParser from '@apidevtools/swagger-parser';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../../domain/errors.ts';
import { sanitizeFunctionName, maxFunctionNameLength } from '../../domain/sub-agent-tool-name.ts';
import { toDeclarationSchema, type JsonSchema } from './openapi-schema.ts';

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof methods)[number];

/** The most operations one toolset may give the model, and the most bytes their declarations may take. */
export const openApiLimits = { operations: 64, declarationBytes: 200_000, documentBytes: 5_000_000 };

/** Where one of an operation's arguments goes in its request. */
export interface OperationArgument {
  /** The argument's name in the function declaration. */
  argument: string;
  /** Its name in the request. */
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
}

/**
 * One operation of an OpenAPI document as a tool (docs/architecture.md, "OpenAPI toolsets"):
 * everything a call needs, so a snapshot of these is all a run reads — never the document again.
 */
export interface OpenApiOperation {
  toolName: string;
  operationId?: string;
  method: HttpMethod;
  serverUrl: string;
  pathTemplate: string;
  arguments: OperationArgument[];
  /** The JSON request body, taken from the argument `body`. */
  body?: { required: boolean };
  description: string;
  parametersJsonSchema: JsonSchema;
}

export interface ReadOpenApiOptions {
  /** Operations to expose, by operationId or tool name (ADK's `tool_filter`); all when absent. */
  select?: readonly string[];
  /** Where the document came from, to resolve a relative server URL against. */
  documentUrl?: string;
}

/**
 * The operations of an OpenAPI 3 document (JSON or YAML text, or parsed) as tools: validated and
 * dereferenced by swagger-parser with external references never read (a document cannot make the
 * deploy fetch a file or an address), path-level and operation-level parameters merged, the JSON
 * request body as `body`. A selection naming an operation the document lacks, or more operations
 * or declaration bytes than the model should be given, is refused naming the limit.
 *
 * @throws InvalidInputError naming the problem.
 */
export async function readOpenApiOperations(document: string | Record<string, unknown>, options: ReadOpenApiOptions = {}): Promise<OpenApiOperation[]> {
  const parsed = typeof document === 'string' ? parseDocumentText(document) : structuredClone(document);
  if (typeof parsed['openapi'] !== 'string' || !parsed['openapi'].startsWith('3.')) {
    throw new InvalidInputError(`Not an OpenAPI 3 document (its "openapi" field is ${JSON.stringify(parsed['openapi'] ?? null)}; Swagger 2 documents are not read)`);
  }
  let api: Record<string, unknown>;
  try {
    api = (await SwaggerParser.validate(parsed as never, { resolve: { external: false }, dereference: { circular: 'ignore' } })) as unknown as Record<string, unknown>;
  } catch (error) {
    throw new InvalidInputError(`The OpenAPI document is not valid: ${(error as Error).message.slice(0, 1_000)}`);
  }
  const serverUrl = serverUrlOf(api, options.documentUrl);
  const all = operationsOf(api, serverUrl);
  const chosen = select(all, options.select);
  if (chosen.length > openApiLimits.operations) {
    throw new InvalidInputError(
      `The toolset would give the model ${chosen.length} operations, over the limit of ${openApiLimits.operations}: choose the ones the agent needs with tool_filter`,
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(chosen.map(({ toolName, description, parametersJsonSchema }) => ({ toolName, description, parametersJsonSchema }))));
  if (bytes > openApiLimits.declarationBytes) {
    throw new InvalidInputError(`The selected operations' declarations take ${bytes} bytes, over the limit of ${openApiLimits.declarationBytes}: choose fewer with tool_filter`);
  }
  return chosen;
}

function parseDocumentText(text: string): Record<string, unknown> {
  if (Buffer.byteLength(text) > openApiLimits.documentBytes) throw new InvalidInputError(`The OpenAPI document is ${Buffer.byteLength(text)} bytes, over the limit of ${openApiLimits.documentBytes}`);
  let parsed: unknown;
  try {
    // YAML 1.2 reads JSON too.
    parsed = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new InvalidInputError(`The OpenAPI document is neither JSON nor YAML: ${(error as Error).message.slice(0, 300)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidInputError('The OpenAPI document is not a mapping of fields');
  return parsed as Record<string, unknown>;
}

/** The first server's URL, its variables at their defaults; absolute, or resolved against the document's own URL. */
function serverUrlOf(api: Record<string, unknown>, documentUrl: string | undefined): string {
  const server = (api['servers'] as { url?: string; variables?: Record<string, { default?: string }> }[] | undefined)?.[0];
  if (!server?.url) throw new InvalidInputError('The OpenAPI document names no server (servers[0].url): the toolset would not know where to send calls');
  const url = server.url.replace(/\{([^}]+)\}/g, (_, name: string) => server.variables?.[name]?.default ?? `{${name}}`);
  try {
    const resolved = new URL(url, documentUrl);
    if (resolved.protocol !== 'https:' && resolved.protocol !== 'http:') throw new Error(`${resolved.protocol} is not HTTP`);
    return resolved.href.replace(/\/$/, '');
  } catch (error) {
    throw new InvalidInputError(`The OpenAPI document's server URL ${JSON.stringify(url)} is not an absolute HTTP URL${documentUrl ? '' : ' (a relative one needs the document to come from a URL)'}: ${(error as Error).message}`);
  }
}

function operationsOf(api: Record<string, unknown>, serverUrl: string): OpenApiOperation[] {
  const taken = new Set<string>();
  const operations: OpenApiOperation[] = [];
  for (const [pathTemplate, item] of Object.entries((api['paths'] ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const method of methods) {
      const operation = item[method] as Record<string, unknown> | undefined;
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${pathTemplate}`;
      const operationId = typeof operation['operationId'] === 'string' ? operation['operationId'] : undefined;
      const toolName = uniqueName(snakeCase(operationId ?? `${method}_${pathTemplate}`), taken);
      const parameters = mergedParameters(item['parameters'], operation['parameters']);
      const args = argumentsOf(parameters);
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [index, argument] of args.entries()) {
        const parameter = parameters[index]!;
        properties[argument.argument] = { ...toDeclarationSchema(parameter['schema'], `${where} ${argument.name}`), ...(parameter['description'] ? { description: parameter['description'] } : {}) };
        if (argument.required) required.push(argument.argument);
      }
      const requestBody = operation['requestBody'] as { required?: boolean; content?: Record<string, { schema?: unknown }> } | undefined;
      const json = requestBody?.content?.['application/json'];
      if (requestBody && !json) throw new InvalidInputError(`${where} takes only ${Object.keys(requestBody.content ?? {}).join(', ') || 'no'} request bodies; the toolset sends JSON: leave it out with tool_filter`);
      if (json) {
        properties['body'] = toDeclarationSchema(json.schema, `${where} body`);
        if (requestBody?.required) required.push('body');
      }
      const summary = [operation['summary'], operation['description']].filter((text): text is string => typeof text === 'string' && text.trim() !== '').join('\n\n');
      operations.push({
        toolName,
        ...(operationId ? { operationId } : {}),
        method,
        serverUrl,
        pathTemplate,
        arguments: args,
        ...(json ? { body: { required: requestBody?.required === true } } : {}),
        description: (summary || `${where}`).slice(0, 2_000),
        parametersJsonSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) },
      });
    }
  }
  return operations;
}

/** Path-level parameters, overridden by the operation's own of the same name and place (OpenAPI's rule). */
function mergedParameters(pathLevel: unknown, operationLevel: unknown): Record<string, unknown>[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const parameter of [...((pathLevel as Record<string, unknown>[] | undefined) ?? []), ...((operationLevel as Record<string, unknown>[] | undefined) ?? [])]) {
    if (parameter['in'] === 'cookie') continue;
    byKey.set(`${String(parameter['in'])}:${String(parameter['name'])}`, parameter);
  }
  return [...byKey.values()];
}

/** Each parameter's argument name: its own, or prefixed by its place where two places share a name. */
function argumentsOf(parameters: Record<string, unknown>[]): OperationArgument[] {
  const counts = new Map<string, number>();
  for (const parameter of parameters) counts.set(String(parameter['name']), (counts.get(String(parameter['name'])) ?? 0) + 1);
  return parameters.map((parameter) => {
    const name = String(parameter['name']);
    const place = parameter['in'] as OperationArgument['in'];
    const argument = sanitizeFunctionName((counts.get(name) ?? 0) > 1 || name === 'body' ? `${place}_${name}` : name);
    return { argument, name, in: place, required: place === 'path' || parameter['required'] === true };
  });
}

function select(all: OpenApiOperation[], wanted: readonly string[] | undefined): OpenApiOperation[] {
  if (!wanted) return all;
  const missing = wanted.filter((name) => !all.some((operation) => operation.operationId === name || operation.toolName === name));
  if (missing.length > 0) {
    throw new InvalidInputError(`tool_filter names ${missing.join(', ')}, which the document does not have. Its operations: ${all.map((operation) => operation.operationId ?? operation.toolName).join(', ')}`);
  }
  return all.filter((operation) => wanted.includes(operation.operationId ?? '') || wanted.includes(operation.toolName));
}

/** `listPets` → `list_pets`, `get_/pets/{petId}` → `get_pets_pet_id`. */
function snakeCase(text: string): string {
  const words = text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
  return sanitizeFunctionName(words || 'operation').slice(0, maxFunctionNameLength);
}

function uniqueName(base: string, taken: Set<string>): string {
  let candidate = base;
  for (let suffix = 2; taken.has(candidate); suffix += 1) candidate = `${base.slice(0, maxFunctionNameLength - `_${suffix}`.length)}_${suffix}`;
  taken.add(candidate);
  return candidate;
}
