import { Storage } from '@google-cloud/storage';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, TransientError } from '../../domain/errors.ts';
import type { CloudStorageServer } from '../../testing/cloud-storage-server.ts';
import { useCloudStorageServer } from '../../testing/use-cloud-storage-server.ts';
import { openBatchSource } from './gcs-batch-source.ts';
import { readBatchSource } from './read-batch-source.ts';

// The real @google-cloud/storage client, pointed at a local server speaking the JSON API.
const { server: storageServer } = useCloudStorageServer();
let server: CloudStorageServer;
let storage: Storage;

beforeAll(() => {
  server = storageServer();
  storage = new Storage({ projectId: 'acme' });
});

const source = { jsonlUri: 'gs://acme-batches/2026/12/documents.jsonl' };

describe('a batch source in Cloud Storage', () => {
  it('reads a JSON Lines object a chunk at a time, each chunk a ranged read from where the last stopped', async () => {
    const lines = Array.from({ length: 5 }, (_, n) => JSON.stringify({ n, text: `dokument ${n} — ünïcödé` }));
    server.objects.set('acme-batches/2026/12/documents.jsonl', Buffer.from(`${lines.join('\n')}\n`));
    const open = openBatchSource(storage);
    const first = await readBatchSource(source, { index: 0, offset: 0 }, 2, open);
    expect(first.items).toEqual([{ value: { n: 0, text: 'dokument 0 — ünïcödé' } }, { value: { n: 1, text: 'dokument 1 — ünïcödé' } }]);
    expect(first.next).toEqual({ index: 2, offset: Buffer.byteLength(`${lines[0]}\n${lines[1]}\n`), generation: expect.stringMatching(/^\d+$/) });
    const rest = await readBatchSource(source, first.next, 10, open);
    expect(rest).toMatchObject({ items: [{ value: { n: 2 } }, { value: { n: 3 } }, { value: { n: 4 } }], done: true });
    expect(server.requests.filter((request) => request.url.includes('alt=media')).map((request) => request.range)).toEqual(['bytes=0-', `bytes=${first.next.offset}-`]);
    // Every chunk, the first too, reads the generation the first one's metadata named.
    expect(server.requests.filter((request) => request.url.includes('alt=media')).map((request) => new URL(request.url, server.url).searchParams.get('generation'))).toEqual([first.next.generation, first.next.generation]);
    // Read again from the end: nothing more, and no media download.
    expect(await readBatchSource(source, rest.next, 10, open)).toEqual({ items: [], next: rest.next, done: true });
  });

  it('refuses to go on reading an object replaced after its first chunk, naming why, rather than mix two files', async () => {
    const uri = { jsonlUri: 'gs://acme-batches/replaced.jsonl' };
    server.objects.set('acme-batches/replaced.jsonl', Buffer.from('{"n":0}\n{"n":1}\n{"n":2}\n'));
    const open = openBatchSource(storage);
    const first = await readBatchSource(uri, { index: 0, offset: 0 }, 1, open);
    server.objects.set('acme-batches/replaced.jsonl', Buffer.from('{"other":"file, longer than the first one"}\n{"other":1}\n'));
    await expect(readBatchSource(uri, first.next, 5, open)).rejects.toThrow(/gs:\/\/acme-batches\/replaced.jsonl was replaced or deleted while the batch read it/);
    await expect(readBatchSource(uri, first.next, 5, open)).rejects.toMatchObject({ code: 'SOURCE_CHANGED' });
  });

  it('refuses an object that does not exist, naming it, and reports a server error as transient', async () => {
    const open = openBatchSource(storage);
    await expect(readBatchSource({ jsonlUri: 'gs://acme-batches/missing.jsonl' }, { index: 0, offset: 0 }, 5, open)).rejects.toThrow(InvalidInputError);
    await expect(readBatchSource({ jsonlUri: 'gs://acme-batches/missing.jsonl' }, { index: 0, offset: 0 }, 5, open)).rejects.toThrow(/gs:\/\/acme-batches\/missing.jsonl cannot be read: no such object/);
    server.objects.set('acme-batches/x.jsonl', Buffer.from('{"n":1}\n'));
    server.failNext(503);
    // The client retries a 503 itself (with backoff); without its retries the error reaches us.
    const once = openBatchSource(new Storage({ projectId: 'acme', retryOptions: { autoRetry: false } }));
    await expect(readBatchSource({ jsonlUri: 'gs://acme-batches/x.jsonl' }, { index: 0, offset: 0 }, 5, once)).rejects.toThrow(TransientError);
  });
});
