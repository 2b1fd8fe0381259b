import { describe, expect, it } from 'vitest';
import { parseBatchSpec } from './batch-spec.ts';

const deployed = { batchPolicy: { localFiles: false, buckets: ['acme-batches'], httpCallbacks: false }, userId: 'ada@example.com' };

describe('what a batch may read its items from', () => {
  it('reads Cloud Storage objects only in the buckets the deployment names', () => {
    expect(parseBatchSpec({ jsonlUri: 'gs://acme-batches/ada@example.com/docs.jsonl' }, deployed)).toMatchObject({ jsonlUri: 'gs://acme-batches/ada@example.com/docs.jsonl', concurrency: 10 });
    expect(() => parseBatchSpec({ jsonlUri: 'gs://agentline-artifacts/secret.jsonl' }, deployed)).toThrow(/bucket agentline-artifacts is not one this deployment reads batches from \(acme-batches; AGENTLINE_BATCH_BUCKETS\)/);
    expect(() => parseBatchSpec({ jsonlUri: 'gs://x' }, deployed)).toThrow(/must be gs:\/\/BUCKET\/OBJECT/);
  });

  it("reads an object of a shared batch bucket only for the user whose folder holds it", () => {
    const folder = /a batch reads only objects under its user's folder, gs:\/\/acme-batches\/ada@example.com\/…/;
    expect(() => parseBatchSpec({ jsonlUri: 'gs://acme-batches/bob@example.com/private.jsonl' }, deployed)).toThrow(folder);
    expect(() => parseBatchSpec({ jsonlUri: 'gs://acme-batches/ada@example.com.evil/x.jsonl' }, deployed)).toThrow(folder);
    expect(() => parseBatchSpec({ jsonlUri: 'gs://acme-batches/docs.jsonl' }, deployed)).toThrow(folder);
    // A user id with a slash would make another user's folder look like its own.
    expect(() => parseBatchSpec({ jsonlUri: 'gs://acme-batches/team/ada/x.jsonl' }, { ...deployed, userId: 'team' })).not.toThrow();
    expect(() => parseBatchSpec({ jsonlUri: 'gs://acme-batches/team/ada/x.jsonl' }, { ...deployed, userId: 'team/ada' })).toThrow(/under its user's folder/);
  });

  it('reads a file of the machine only on the local stack, and takes exactly one source', () => {
    expect(() => parseBatchSpec({ jsonlPath: '/etc/passwd' }, deployed)).toThrow(/jsonlPath reads a file of the local stack/);
    expect(parseBatchSpec({ jsonlPath: '/data/items.jsonl' }, { batchPolicy: { localFiles: true, buckets: 'any', httpCallbacks: true }, userId: 'ada' })).toMatchObject({ jsonlPath: '/data/items.jsonl' });
    expect(() => parseBatchSpec({ items: ['a'], jsonlUri: 'gs://acme-batches/a.jsonl' }, deployed)).toThrow(/give exactly one of items/);
    expect(() => parseBatchSpec({}, deployed)).toThrow(/give exactly one of items/);
  });
});
