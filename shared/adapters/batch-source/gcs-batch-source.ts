import type { Storage } from '@google-cloud/storage';
import { InvalidInputError, TransientError } from '../../domain/errors.ts';
import { openLocalFile, type OpenSource } from './read-batch-source.ts';

/**
 * Opens a batch's JSON Lines source from a byte offset: a `gs://` object through
 * `@google-cloud/storage` (a ranged media download, so a chunk reads only from where the fan-out
 * stopped), a `jsonlPath` of the local stack from the file. An object that does not exist or may
 * not be read is a permanent refusal naming it; anything else is transient. `storage` may be a
 * getter, so a deployment that reads no object builds no client.
 */
export function openBatchSource(storage: Storage | (() => Storage)): OpenSource {
  return async (source, offset) => {
    if (!('jsonlUri' in source)) return openLocalFile(source, offset);
    const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(source.jsonlUri)!;
    const file = (typeof storage === 'function' ? storage() : storage).bucket(match[1]!).file(match[2]!);
    // A range that starts at the object's end has nothing to read.
    const [metadata] = await file.getMetadata().catch((error: unknown) => Promise.reject(fromStorageError(error, source.jsonlUri)));
    const stream = Number(metadata.size ?? 0) <= offset ? emptyStream() : file.createReadStream({ start: offset, validation: false });
    return mapErrors(stream as AsyncIterable<Buffer> & { destroy(): void }, source.jsonlUri);
  };
}

function emptyStream(): AsyncIterable<Buffer> & { destroy(): void } {
  return { async *[Symbol.asyncIterator]() {}, destroy() {} };
}

function mapErrors(stream: AsyncIterable<Buffer> & { destroy(): void }, uri: string): AsyncIterable<Buffer> & { destroy(): void } {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* stream;
      } catch (error) {
        throw fromStorageError(error, uri);
      }
    },
    destroy: () => stream.destroy(),
  };
}

function fromStorageError(error: unknown, uri: string): Error {
  const code = (error as { code?: unknown }).code;
  if (code === 404 || code === 403 || code === 401) {
    return new InvalidInputError(`The batch's source ${uri} cannot be read: ${code === 404 ? 'no such object' : 'permission denied'}`, { code: 'SOURCE_UNREADABLE', cause: error });
  }
  return new TransientError(`Cloud Storage failed reading ${uri}: ${(error as Error).message}`, { code: 'STORAGE_UNAVAILABLE', cause: error });
}
