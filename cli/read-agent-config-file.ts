import { dirname, extname, resolve } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { readUtf8File } from './cli-options.ts';

/**
 * Reads an ADK Agent Config file for `run`, `batches` and `agents create`, with each
 * `OpenAPIToolset`'s `spec_path` (a document beside the config, docs/architecture.md "OpenAPI
 * toolsets") read now and sent inline as `spec_str`: the service never reads the caller's disk.
 * A config without `spec_path` is returned exactly as written.
 */
export async function readAgentConfigFile(path: string, option: string): Promise<string> {
  const text = await readUtf8File(path, option);
  const document = parseDocument(text, { version: '1.1' });
  const tools = document.get('tools');
  if (document.errors.length > 0 || !isSeq(tools)) return text; // the parser reports what is wrong
  let changed = false;
  for (const [index, entry] of tools.items.entries()) {
    if (!isMap(entry)) continue;
    const args = entry.get('args');
    const specPath = isMap(args) ? args.get('spec_path') : undefined;
    if (!isMap(args) || typeof specPath !== 'string') continue;
    const specFile = resolve(dirname(path), specPath);
    args.set('spec_str', await readUtf8File(specFile, `tools[${index}].args.spec_path`));
    args.set('spec_str_type', extname(specFile).toLowerCase() === '.json' ? 'json' : 'yaml');
    args.delete('spec_path');
    changed = true;
  }
  return changed ? document.toString() : text;
}
