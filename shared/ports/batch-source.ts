import type { BatchSource } from '../domain/batches/batch-record.ts';

/**
 * Where reading a source stopped: the next item's index, and its byte offset in a file; for a
 * Cloud Storage object, the generation the first chunk read, so every later chunk reads the same
 * bytes even if the object is replaced meanwhile.
 */
export interface SourcePosition {
  index: number;
  offset: number;
  generation?: string;
}

export interface SourceChunk {
  /** Each item read, parsed, or why it could not be. */
  items: ({ value: unknown } | { error: string })[];
  next: SourcePosition;
  /** Nothing is left to read. */
  done: boolean;
}

/** Reads at most `maxItems` items of a batch's source from `from` (adapters/batch-source/read-batch-source.ts). */
export type ReadBatchSource = (source: BatchSource, from: SourcePosition, maxItems: number) => Promise<SourceChunk>;
