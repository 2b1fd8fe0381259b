import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../shared/domain/errors.ts';
import { CliUsageError } from './usage.ts';

/** `--timeout`: whole seconds from 1 to a day, so a typo never turns into an instant or endless wait. */
export function parseTimeoutSeconds(raw: string | undefined, option = '--timeout'): number {
  const seconds = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw.trim()) || seconds < 1 || seconds > 86_400) {
    throw new CliUsageError(`${option} must be a whole number of seconds from 1 to 86400, got "${raw}"`);
  }
  return seconds;
}

/** `--port`: a TCP port number, or 0 for any free port. */
export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65_535) throw new CliUsageError(`--port must be a port number from 0 to 65535, got "${raw}"`);
  return port;
}

/**
 * Decodes bytes as UTF-8, refusing invalid sequences instead of replacing them: an agent file or
 * input the model would see mangled is refused, naming where it came from and the byte offset.
 */
export function decodeUtf8Strictly(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InvalidInputError(`${source} is not valid UTF-8 (the first bad byte is at offset ${firstInvalidOffset(bytes)})`);
  }
}

/** Where decoding first fails: the bytes before the first replacement character, re-encoded. */
function firstInvalidOffset(bytes: Uint8Array): number {
  const lenient = new TextDecoder('utf-8').decode(bytes);
  return Buffer.byteLength(lenient.slice(0, lenient.indexOf('\uFFFD')));
}

/** Reads a text file strictly as UTF-8; a missing file is named with the option it was given for. */
export async function readUtf8File(path: string, option: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${option} file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return decodeUtf8Strictly(bytes, `${option} file ${path}`);
}

/** Reads standard input to its end, strictly as UTF-8 (for `--input-file -`). */
export async function readUtf8Stdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return decodeUtf8Strictly(Buffer.concat(chunks), 'standard input');
}

/** A JSON object given on the command line or in a file (`what` names it); a usage error otherwise. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliUsageError(`${what} must hold a JSON object`);
  return value as Record<string, unknown>;
}
