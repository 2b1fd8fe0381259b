import { open } from 'node:fs/promises';
import type { BatchSource } from '../../domain/batches/batch-record.ts';
import { InvalidInputError } from '../../domain/errors.ts';

/** Where reading a source stopped: the next item's index, and its byte offset in a file. */
export interface SourcePosition {
  index: number;
  offset: number;
}

export interface SourceChunk {
  /** Each item read, parsed, or why it could not be. */
  items: ({ value: unknown } | { error: string })[];
  next: SourcePosition;
  /** Nothing is left to read. */
  done: boolean;
}

/** A JSON Lines item is refused past this size (it would not fit the item's document). */
const maxLineBytes = 256 * 1024;
const blockBytes = 64 * 1024;

/**
 * Reads at most `maxItems` items of a batch's source from `from` (docs/architecture.md,
 * "Batches"): inline items by index; a JSON Lines file from a byte offset, a block at a time, so
 * a source of any size is never held in memory and a fan-out resumes exactly where it committed.
 * Blank lines are skipped; a line that is not JSON is an item that cannot run, named with its offset.
 */
export async function readBatchSource(source: BatchSource, from: SourcePosition, maxItems: number): Promise<SourceChunk> {
  if ('items' in source) {
    const items = source.items.slice(from.index, from.index + maxItems).map((value) => ({ value }));
    const index = from.index + items.length;
    return { items, next: { index, offset: 0 }, done: index >= source.items.length };
  }
  return readJsonLines(source.jsonlPath, from, maxItems);
}

async function readJsonLines(path: string, from: SourcePosition, maxItems: number): Promise<SourceChunk> {
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(`The batch's source ${path} cannot be read: ${error.code ?? error.message}`, { code: 'SOURCE_UNREADABLE' });
  });
  try {
    const items: SourceChunk['items'] = [];
    let offset = from.offset;
    let index = from.index;
    let pending = Buffer.alloc(0);
    let position = from.offset;
    for (;;) {
      const block = Buffer.alloc(blockBytes);
      const { bytesRead } = await file.read(block, 0, blockBytes, position);
      position += bytesRead;
      pending = Buffer.concat([pending, block.subarray(0, bytesRead)]);
      const atEnd = bytesRead === 0;
      for (let newline = pending.indexOf(0x0a); newline >= 0 || (atEnd && pending.length > 0); newline = pending.indexOf(0x0a)) {
        if (items.length >= maxItems) return { items, next: { index, offset }, done: false };
        const lineBytes = newline >= 0 ? newline + 1 : pending.length;
        const text = pending.subarray(0, newline >= 0 ? newline : pending.length).toString('utf8').replace(/\r$/, '');
        pending = pending.subarray(lineBytes);
        const at = offset;
        offset += lineBytes;
        if (text.trim() === '') continue;
        items.push(parseLine(text, index, at));
        index += 1;
      }
      if (atEnd) return { items, next: { index, offset }, done: true };
      if (items.length >= maxItems) return { items, next: { index, offset }, done: false };
      if (pending.length > maxLineBytes) {
        items.push({ error: `item ${index} (byte ${offset}): a line longer than ${maxLineBytes} bytes` });
        const newline = await skipLine(file, position);
        offset = newline;
        position = newline;
        pending = Buffer.alloc(0);
        index += 1;
      }
    }
  } finally {
    await file.close();
  }
}

function parseLine(text: string, index: number, offset: number): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `item ${index} (byte ${offset}) is not JSON: ${(error as Error).message}` };
  }
}

/** The offset just past the next newline at or after `position` (or the end of the file). */
async function skipLine(file: Awaited<ReturnType<typeof open>>, position: number): Promise<number> {
  const block = Buffer.alloc(blockBytes);
  for (let at = position; ; ) {
    const { bytesRead } = await file.read(block, 0, blockBytes, at);
    if (bytesRead === 0) return at;
    const newline = block.subarray(0, bytesRead).indexOf(0x0a);
    if (newline >= 0) return at + newline + 1;
    at += bytesRead;
  }
}
