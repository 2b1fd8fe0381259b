import type { BatchSource } from '../domain/batches/batch-record.ts';

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

/** Reads at most `maxItems` items of a batch's source from `from` (adapters/batch-source/read-batch-source.ts). */
export type ReadBatchSource = (source: BatchSource, from: SourcePosition, maxItems: number) => Promise<SourceChunk>;
