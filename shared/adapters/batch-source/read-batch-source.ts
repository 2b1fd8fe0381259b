import { open } from 'node:fs/promises';
import type { BatchSource } from '../../domain/batches/batch-record.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import type { SourceChunk, SourcePosition } from '../../ports/batch-source.ts';

/** A JSON Lines item is refused past this size (it would not fit the item's document). */
const maxLineBytes = 256 * 1024;
const blockBytes = 64 * 1024;

/**
 * A source's bytes from a position's offset: a local file, or a Cloud Storage object
 * (gcs-batch-source.ts) of the position's generation when it names one, with the generation read.
 */
export type OpenSource = (source: Exclude<BatchSource, { items: unknown[] }>, from: SourcePosition) => Promise<OpenedSource>;
export type OpenedSource = AsyncIterable<Buffer> & { destroy(): void; generation?: string };

/**
 * Reads at most `maxItems` items of a batch's source from `from` (docs/architecture.md,
 * "Batches"): inline items by index; a JSON Lines file or object from a byte offset, streamed, so
 * a source of any size is never held in memory and a fan-out resumes exactly where it committed.
 * A UTF-8 byte-order mark at the start is skipped, and so are blank lines; a line that is not JSON, or longer than 256 KiB, is an item that
 * cannot run, named with its offset.
 */
export async function readBatchSource(source: BatchSource, from: SourcePosition, maxItems: number, open: OpenSource = openLocalFile): Promise<SourceChunk> {
  if ('items' in source) {
    const items = source.items.slice(from.index, from.index + maxItems).map((value) => ({ value }));
    const index = from.index + items.length;
    return { items, next: { index, offset: 0 }, done: index >= source.items.length };
  }
  const stream = await open(source, from);
  try {
    const chunk = await readJsonLines(stream, from, maxItems);
    return stream.generation ? { ...chunk, next: { ...chunk.next, generation: stream.generation } } : chunk;
  } finally {
    stream.destroy();
  }
}

/** A local file from a byte offset (the local stack's `jsonlPath`). */
export const openLocalFile: OpenSource = async (source, { offset }) => {
  if (!('jsonlPath' in source)) throw new InvalidInputError(`The local stack reads gs:// sources only with Cloud Storage configured`, { code: 'SOURCE_UNREADABLE' });
  const path = source.jsonlPath;
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(`The batch's source ${path} cannot be read: ${error.code ?? error.message}`, { code: 'SOURCE_UNREADABLE' });
  });
  return handle.createReadStream({ start: offset, highWaterMark: blockBytes });
};

async function readJsonLines(stream: AsyncIterable<Buffer>, from: SourcePosition, maxItems: number): Promise<SourceChunk> {
  const items: SourceChunk['items'] = [];
  let offset = from.offset;
  let index = from.index;
  let pending: Buffer = Buffer.alloc(0);
  // Inside a line too long to keep: its error is recorded, its bytes are skipped to its newline.
  let skipping = false;
  const take = (line: Buffer, at: number) => {
    if (line.length > maxLineBytes) {
      items.push(tooLong(index, at));
      index += 1;
      return;
    }
    const decoded = line.toString('utf8').replace(/\r$/, '');
    // A byte-order mark opens many files written on Windows: not part of the first item.
    const text = at === 0 && decoded.startsWith('\uFEFF') ? decoded.slice(1) : decoded;
    if (text.trim() === '') return;
    items.push(parseLine(text, index, at));
    index += 1;
  };
  for await (const chunk of stream) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (let newline = pending.indexOf(0x0a); newline >= 0; newline = pending.indexOf(0x0a)) {
      if (skipping) {
        offset += newline + 1;
        pending = pending.subarray(newline + 1);
        skipping = false;
        continue;
      }
      if (items.length >= maxItems) return { items, next: { index, offset }, done: false };
      const at = offset;
      offset += newline + 1;
      take(pending.subarray(0, newline), at);
      pending = pending.subarray(newline + 1);
    }
    if (skipping) {
      offset += pending.length;
      pending = Buffer.alloc(0);
    } else if (pending.length > maxLineBytes) {
      if (items.length >= maxItems) return { items, next: { index, offset }, done: false };
      items.push(tooLong(index, offset));
      index += 1;
      offset += pending.length;
      pending = Buffer.alloc(0);
      skipping = true;
    }
  }
  if (pending.length > 0 && !skipping) {
    if (items.length >= maxItems) return { items, next: { index, offset }, done: false };
    const at = offset;
    offset += pending.length;
    take(pending, at);
  }
  return { items, next: { index, offset }, done: true };
}

function tooLong(index: number, offset: number): { error: string } {
  return { error: `item ${index} (byte ${offset}): a line longer than ${maxLineBytes} bytes` };
}

function parseLine(text: string, index: number, offset: number): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `item ${index} (byte ${offset}) is not JSON: ${(error as Error).message}` };
  }
}
