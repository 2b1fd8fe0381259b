/**
 * Which files the model is given as inline data (docs/architecture.md, "Artifacts"): the types
 * Gemini documents for inline data that agentline can check, and only when the bytes are what
 * the type says — a content type comes from a file's name, and bytes Gemini cannot read as the
 * declared type fail the whole request with a 400.
 */

/** Images and PDF, recognised by their first bytes. */
const signatures: Record<string, (bytes: Buffer) => boolean> = {
  'image/png': (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (bytes) => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  'image/webp': (bytes) => bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP',
  'image/heic': (bytes) => isHeif(bytes),
  'image/heif': (bytes) => isHeif(bytes),
  'application/pdf': (bytes) => bytes.subarray(0, 5).toString('latin1') === '%PDF-',
};

/** Text types Gemini reads inline; their bytes must be UTF-8 text. */
const textTypes = new Set([
  'text/plain',
  'text/csv',
  'text/tab-separated-values',
  'text/markdown',
  'text/html',
  'text/xml',
  'application/xml',
  'application/json',
  'text/css',
  'text/javascript',
  'text/x-python',
  'text/x-typescript',
  'application/rtf',
  'text/rtf',
]);

/** The media type without parameters (`text/csv; charset=utf-8` → `text/csv`), lower-cased. */
export function essenceOf(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** True when Gemini takes this type as inline data at all (before the bytes are looked at). */
export function isInlineType(contentType: string): boolean {
  const essence = essenceOf(contentType);
  return essence in signatures || textTypes.has(essence);
}

/** Why `bytes` cannot be sent as `contentType`, or undefined when they can. */
export function inlineMismatch(contentType: string, bytes: Buffer): string | undefined {
  const essence = essenceOf(contentType);
  const signature = signatures[essence];
  if (signature) return signature(bytes) ? undefined : `its bytes are not ${essence}`;
  if (!textTypes.has(essence)) return `${essence} is not a type the model reads`;
  return isUtf8Text(bytes) ? undefined : 'its bytes are not UTF-8 text';
}

function isHeif(bytes: Buffer): boolean {
  return bytes.subarray(4, 8).toString('latin1') === 'ftyp' && ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(bytes.subarray(8, 12).toString('latin1'));
}

function isUtf8Text(bytes: Buffer): boolean {
  // NUL marks binary data even where it happens to decode.
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
