import { isPlainObject } from '../../domain/config-problems.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { httpMethods, type OpenApiOperation, type OpenApiParameter } from '../../domain/openapi-operation.ts';
import { openApiLimits, type OpenApiToolsetConfig } from '../../domain/openapi-toolset-config.ts';
import type { OpenApiDocument } from './parse-openapi-document.ts';
import { declarationSchemaWithin, maxStoredSchemaNesting } from './to-declaration-schema.ts';

/** Longest function name derived from an operationId (ADK's RestApiTool cuts at 60 as well). */
const maxToolNameLength = 60;

/** Request body content types a call can send, in order of preference. */
const bodyContentTypes = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'];

/** A selected operation of a dereferenced document, before its toolset's name prefix and auth. */
type ToolsetOperation = Omit<OpenApiOperation, 'auth'>;

/**
 * The operations of a dereferenced document a toolset exposes, as function declarations plus
 * what a call needs (method, server URL, path template, where each argument goes). Only the
 * selected operations are converted: `tool_filter`'s operationIds in its order, or every
 * operation when there is none. Path-level parameters are merged under operation-level ones.
 *
 * @throws InvalidInputError naming `source` for an operationId the filter names but the document
 *   lacks, an operation without a usable server URL, or a request body no content type we send.
 */
export function toFunctionDeclarations(document: OpenApiDocument, toolset: Pick<OpenApiToolsetConfig, 'toolFilter' | 'toolNamePrefix'>, source: string, documentUrl?: string): ToolsetOperation[] {
  const all = listOperations(document);
  const selected = toolset.toolFilter
    ? toolset.toolFilter.map((operationId) => {
        const found = all.find((candidate) => candidate.operation.operationId === operationId);
        if (!found) throw new InvalidInputError(`${source}: tool_filter names operationId "${operationId}", which the document does not have`);
        return found;
      })
    : all;
  if (selected.length > openApiLimits.maxOperations) {
    throw new InvalidInputError(
      `${source}: ${selected.length} operations selected, over the limit of ${openApiLimits.maxOperations} operations per agent (openApiLimits.maxOperations); list the ones the agent needs in tool_filter`,
    );
  }
  return selected.map((entry) => toOperation(document, entry, toolset.toolNamePrefix, source, documentUrl));
}

interface OperationEntry {
  path: string;
  method: (typeof httpMethods)[number];
  pathItem: Record<string, unknown>;
  operation: Record<string, unknown>;
}

function listOperations(document: OpenApiDocument): OperationEntry[] {
  const entries: OperationEntry[] = [];
  for (const [path, pathItem] of Object.entries(document.paths ?? {})) {
    if (!isPlainObject(pathItem)) continue;
    for (const method of httpMethods) {
      const operation = pathItem[method.toLowerCase()];
      if (isPlainObject(operation)) entries.push({ path, method, pathItem, operation });
    }
  }
  return entries;
}

function toOperation(document: OpenApiDocument, entry: OperationEntry, prefix: string | undefined, source: string, documentUrl?: string): ToolsetOperation {
  const { path, method, pathItem, operation } = entry;
  const label = `${method} ${path}`;
  const baseName = toSnakeCase(typeof operation.operationId === 'string' ? operation.operationId : `${method}_${path}`);
  const toolName = (prefix ? `${prefix}_${baseName}` : baseName).slice(0, maxToolNameLength);
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const parameters: OpenApiParameter[] = [];
  for (const parameter of mergedParameters(pathItem, operation)) {
    const where = parameter.in as OpenApiParameter['in'];
    const argument = properties[parameter.name] === undefined && parameter.name !== 'body' ? parameter.name : `${where}_${parameter.name}`;
    // Each argument's schema sits two levels into the operation's (properties → the argument).
    const schema = declarationSchemaWithin(parameter.schema, maxStoredSchemaNesting - 2);
    if (typeof parameter.description === 'string') schema.description = parameter.description;
    properties[argument] = schema;
    const isRequired = where === 'path' || parameter.required === true;
    if (isRequired) required.push(argument);
    parameters.push({ name: parameter.name, in: where, argument, required: isRequired });
  }
  const body = requestBodyOf(operation, `${source}: ${label}`);
  if (body) {
    properties.body = declarationSchemaWithin(body.schema, maxStoredSchemaNesting - 2);
    if (body.required) required.push('body');
  }
  const description = [operation.summary, operation.description].filter((text) => typeof text === 'string' && text.trim() !== '').join('\n\n');
  return {
    toolName,
    description: description || label,
    method,
    serverUrl: serverUrlOf(document, pathItem, operation, `${source}: ${label}`, documentUrl),
    pathTemplate: path,
    parameters,
    ...(body ? { body: { contentType: body.contentType, required: body.required } } : {}),
    parametersJsonSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) },
  };
}

type ParameterObject = Record<string, unknown> & { name: string; in: string };

/** Path-level parameters, each replaced by an operation-level one of the same name and place; cookies are not sent. */
function mergedParameters(pathItem: Record<string, unknown>, operation: Record<string, unknown>): ParameterObject[] {
  const byKey = new Map<string, ParameterObject>();
  for (const list of [pathItem.parameters, operation.parameters]) {
    for (const parameter of Array.isArray(list) ? list : []) {
      if (!isPlainObject(parameter) || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') continue;
      if (parameter.in === 'cookie') continue;
      byKey.set(`${parameter.in}:${parameter.name}`, parameter as ParameterObject);
    }
  }
  return [...byKey.values()];
}

function requestBodyOf(operation: Record<string, unknown>, source: string): { contentType: string; schema: unknown; required: boolean } | undefined {
  const requestBody = operation.requestBody;
  if (!isPlainObject(requestBody) || !isPlainObject(requestBody.content)) return undefined;
  const content = requestBody.content;
  const contentType = bodyContentTypes.find((type) => type in content) ?? Object.keys(content).find((type) => /\+json$/.test(type));
  if (contentType === undefined) {
    throw new InvalidInputError(`${source}: request body content types ${Object.keys(content).join(', ')} cannot be sent; supported are ${bodyContentTypes.join(', ')} (leave the operation out with tool_filter)`);
  }
  const media = content[contentType];
  return { contentType, schema: isPlainObject(media) ? media.schema : undefined, required: requestBody.required === true };
}

/** The first server of the operation, its path or the document, with variables at their defaults, made absolute against the document's URL. */
function serverUrlOf(document: OpenApiDocument, pathItem: Record<string, unknown>, operation: Record<string, unknown>, source: string, documentUrl?: string): string {
  const servers = [operation.servers, pathItem.servers, document.servers].find((list) => Array.isArray(list) && list.length > 0) as Record<string, unknown>[] | undefined;
  const server = servers?.[0];
  let url = typeof server?.url === 'string' ? server.url : '/';
  if (isPlainObject(server?.variables)) {
    for (const [name, variable] of Object.entries(server.variables)) {
      if (isPlainObject(variable) && typeof variable.default === 'string') url = url.replaceAll(`{${name}}`, variable.default);
    }
  }
  const absolute = URL.canParse(url) ? new URL(url) : documentUrl && URL.canParse(url, documentUrl) ? new URL(url, documentUrl) : undefined;
  if (!absolute || !/^https?:$/.test(absolute.protocol)) {
    throw new InvalidInputError(`${source}: no absolute http(s) server URL (servers[0].url is "${url}"); give the document a servers entry such as https://api.example.com`);
  }
  return absolute.href.replace(/\/$/, '');
}

/** `listPets` → `list_pets`, `get /pets/{id}` → `get_pets_id`: Gemini's function-name alphabet. */
export function toSnakeCase(text: string): string {
  const snake = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return /^[a-z_]/.test(snake) ? snake : `op_${snake}`;
}
