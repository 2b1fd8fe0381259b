import { uniqueFunctionName } from '../../domain/sub-agent-tool-name.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import type { OpenApiOperation } from '../../domain/openapi-operation.ts';
import { openApiLimits, type OpenApiToolsetConfig } from '../../domain/openapi-toolset-config.ts';
import { parseOpenApiDocument } from './parse-openapi-document.ts';
import { toFunctionDeclarations } from './to-function-declarations.ts';

/** A fetched OpenAPI document: its text and whether it reads as JSON or YAML. */
export interface FetchedOpenApiDocument {
  text: string;
  type: 'json' | 'yaml';
}

export interface ResolveOpenApiOptions {
  /** Shown before every problem, e.g. `adkAgentDefinition.agentConfig`. */
  source: string;
  /** Function names already taken (built-in tools, sub-agents): an operation never takes one. */
  reservedNames: readonly string[];
  /**
   * Fetches a `spec_url` document (through the SSRF-guarded fetch, at deploy only); absent where
   * documents may not be fetched (a run of an inline config), and then a `spec_url` is refused.
   */
  fetchDocument?: (url: string) => Promise<FetchedOpenApiDocument>;
}

/**
 * Every operation an agent's OpenAPI toolsets expose, resolved from their documents: what is
 * snapshotted on the agent at deploy (docs/architecture.md, "OpenAPI toolsets"). Names are made
 * unique with a numeric suffix; the whole selection must stay within `openApiLimits`.
 *
 * @throws InvalidInputError naming the toolset (`tools[i]`) and the problem, or the limit passed;
 *   whatever `fetchDocument` throws (TransientError for a server that may answer later).
 */
export async function resolveOpenApiToolsets(toolsets: readonly { index: number; config: OpenApiToolsetConfig }[], options: ResolveOpenApiOptions): Promise<OpenApiOperation[]> {
  const operations: OpenApiOperation[] = [];
  const taken = new Set(options.reservedNames);
  for (const { index, config } of toolsets) {
    const source = `${options.source}: tools[${index}]`;
    let documentUrl: string | undefined;
    let document;
    if ('specStr' in config.source) {
      document = await parseOpenApiDocument(config.source.specStr, config.source.specStrType, source);
    } else {
      documentUrl = config.source.specUrl;
      if (!options.fetchDocument) {
        throw new InvalidInputError(`${source}: spec_url documents are fetched when an agent is deployed; deploy the agent, or give the document inline as spec_str`);
      }
      const fetched = await options.fetchDocument(documentUrl);
      document = await parseOpenApiDocument(fetched.text, fetched.type, `${source} (${documentUrl})`);
    }
    for (const operation of toFunctionDeclarations(document, config, source, documentUrl)) {
      const toolName = uniqueFunctionName(operation.toolName, taken);
      taken.add(toolName);
      operations.push({ ...operation, toolName, ...(config.auth ? { auth: config.auth } : {}) });
    }
  }
  if (operations.length > openApiLimits.maxOperations) {
    throw new InvalidInputError(
      `${options.source}: the OpenAPI toolsets expose ${operations.length} operations, over the limit of ${openApiLimits.maxOperations} operations per agent (openApiLimits.maxOperations); list the ones the agent needs in tool_filter`,
    );
  }
  const declarationBytes = Buffer.byteLength(JSON.stringify(operations.map(({ toolName, description, parametersJsonSchema }) => ({ toolName, description, parametersJsonSchema }))));
  if (declarationBytes > openApiLimits.maxDeclarationBytes) {
    throw new InvalidInputError(
      `${options.source}: the OpenAPI toolsets' function declarations are ${declarationBytes} bytes, over the limit of ${openApiLimits.maxDeclarationBytes} bytes (openApiLimits.maxDeclarationBytes); expose fewer operations with tool_filter`,
    );
  }
  return operations;
}
