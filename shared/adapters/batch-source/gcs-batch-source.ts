import type { Storage } from '@google-cloud/storage';
import { InvalidInputError, TransientError } from '../../domain/errors.ts';
import { openLocalFile, type OpenSource } from './read-batch-source.ts';

/**
 * Opens a batch's JSON Lines source from a byte offset: a `gs://` object through
 * `@google-cloud/storage` (a ranged media download, so a chunk reads only from where the fan-out
 * stopped), a `jsonlPath` of the local stack from the file. The first chunk pins the object's
 * generation and every later one reads that generation, so an object replaced mid-batch is never
 * read as a mix of two files: it is refused, naming why. An object that does not exist or may not
 * be read is a permanent refusal naming it; anything else is transient. `storage` may be a
 * getter, so a deployment that reads no object builds no client.
 */
export function openBatchSource(storage: Storage | (() => Storage)): OpenSource {
  return async (source, from) => {
    if (!('jsonlUri' in source)) return openLocalFile(source, from);
    const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(source.jsonlUri)!;
    const bucket = (typeof storage === 'function' ? storage() : storage).bucket(match[1]!);
    const file = bucket.file(match[2]!, from.generation ? { generation: Number(from.generation) } : {});
    const [metadata] = await file.getMetadata().catch((error: unknown) => Promise.reject(fromStorageError(error, source.jsonlUri, from.generation)));
    // The bytes of the generation just read, even on the first chunk (the object may be replaced in between).
    const pinned = metadata.generation === undefined ? file : bucket.file(match[2]!, { generation: Number(metadata.generation) });
    // A range that starts at the object's end has nothing to read.
    const stream = Number(metadata.size ?? 0) <= from.offset ? emptyStream() : pinned.createReadStream({ start: from.offset, validation: false });
    const opened = mapErrors(stream as AsyncIterable<Buffer> & { destroy(): void }, source.jsonlUri, from.generation);
    return metadata.generation === undefined ? opened : Object.assign(opened, { generation: String(metadata.generation) });
  };
}

function emptyStream(): AsyncIterable<Buffer> & { destroy(): void } {
  return { async *[Symbol.asyncIterator]() {}, destroy() {} };
}

function mapErrors(stream: AsyncIterable<Buffer> & { destroy(): void }, uri: string, generation: string | undefined): AsyncIterable<Buffer> & { destroy(): void } {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* stream;
      } catch (error) {
        throw fromStorageError(error, uri, generation);
      }
    },
    destroy: () => stream.destroy(),
  };
}

function fromStorageError(error: unknown, uri: string, generation: string | undefined): Error {
  const code = (error as { code?: unknown }).code;
  if (code === 404 && generation) {
    return new InvalidInputError(`The batch's source ${uri} was replaced or deleted while the batch read it (generation ${generation} is gone)`, { code: 'SOURCE_CHANGED', cause: error });
  }
  if (code === 404 || code === 403 || code === 401) {
    return new InvalidInputError(`The batch's source ${uri} cannot be read: ${code === 404 ? 'no such object' : 'permission denied'}`, { code: 'SOURCE_UNREADABLE', cause: error });
  }
  return new TransientError(`Cloud Storage failed reading ${uri}: ${(error as Error).message}`, { code: 'STORAGE_UNAVAILABLE', cause: error });
}
