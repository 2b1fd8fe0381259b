import SwaggerParser from '@apidevtools/swagger-parser';
import { parse as parseYaml } from 'yaml';
import { isPlainObject } from '../../domain/config-problems.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { openApiLimits } from '../../domain/openapi-toolset-config.ts';

/** A validated OpenAPI 3 document with every same-document `$ref` replaced by what it points to. */
export type OpenApiDocument = Record<string, unknown> & { paths?: Record<string, unknown> };

/**
 * Parses and validates an OpenAPI 3 document (JSON or YAML text) and dereferences it. Only
 * same-document references (`#/components/...`) are followed: a `$ref` to another file or URL is
 * refused, so resolving a document never reads the disk or the network (docs/architecture.md,
 * "OpenAPI toolsets").
 *
 * @throws InvalidInputError naming `source` for text that is not JSON/YAML, not OpenAPI 3, too
 *   large, with an external `$ref`, or invalid against the OpenAPI schema.
 */
export async function parseOpenApiDocument(text: string, type: 'json' | 'yaml', source: string): Promise<OpenApiDocument> {
  const bytes = Buffer.byteLength(text);
  if (bytes > openApiLimits.maxDocumentBytes) {
    throw new InvalidInputError(`${source}: the OpenAPI document is ${bytes} bytes, over the limit of ${openApiLimits.maxDocumentBytes}`);
  }
  let document: unknown;
  try {
    // YAML 1.2 core schema reads JSON too; JSON.parse keeps JSON errors precise.
    document = type === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new InvalidInputError(`${source}: not valid ${type.toUpperCase()}: ${(error as Error).message}`, { cause: error });
  }
  if (!isPlainObject(document) || typeof document.openapi !== 'string' || !/^3\.[01]\./.test(document.openapi)) {
    throw new InvalidInputError(`${source}: expected an OpenAPI 3.0 or 3.1 document (a mapping with "openapi: 3.x.y")`);
  }
  const external = findExternalRef(document);
  if (external !== undefined) {
    throw new InvalidInputError(`${source}: $ref "${external}" points outside the document; only same-document references (#/...) are supported`);
  }
  try {
    // A circular schema stays a cycle of objects; declarations cut it at a fixed depth.
    return (await SwaggerParser.validate(document as never, { resolve: { external: false } })) as unknown as OpenApiDocument;
  } catch (error) {
    throw new InvalidInputError(`${source}: invalid OpenAPI document: ${(error as Error).message}`, { cause: error });
  }
}

function findExternalRef(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findExternalRef(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key === '$ref' && typeof child === 'string' && !child.startsWith('#')) return child;
    const found = findExternalRef(child);
    if (found !== undefined) return found;
  }
  return undefined;
}
