import { extname } from 'node:path';

/** Media types of the files people and code commonly exchange, by extension. */
const byExtension: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.html': 'text/html',
  '.pdf': 'application/pdf',
};

/** The media type a file's name suggests; application/octet-stream when it suggests none. */
export function contentTypeOfName(name: string): string {
  return byExtension[extname(name).toLowerCase()] ?? 'application/octet-stream';
}
