import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ArtifactScope } from '../domain/artifacts/artifact.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';

let counter = 0;
/** A user unique per test, so suites can share one store. */
const uniqueUser = () => `user-${Date.now().toString(36)}-${(counter++).toString(36)}@example.com`;
const text = (value: string) => Buffer.from(value, 'utf8');

/** What every ArtifactStore does: in memory, on local files, and on Cloud Storage (the real client against a local JSON API server). */
export function describeArtifactStoreContract(name: string, create: () => ArtifactStore | Promise<ArtifactStore>): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    it('saves versions of an artifact, never replacing one, and loads the latest or any of them with its metadata', async () => {
      const store = await create();
      const scope: ArtifactScope = { userId: uniqueUser(), sessionId: 'session-1' };
      const first = await store.save(scope, { name: 'charts/sales.png', data: text('first'), contentType: 'image/png', provenance: { runId: 'r1', stepId: 'tool-1', tool: 'execute_code' } });
      expect(first).toMatchObject({ name: 'charts/sales.png', version: 0, contentType: 'image/png', bytes: 5, sha256: createHash('sha256').update('first').digest('hex'), provenance: { runId: 'r1', stepId: 'tool-1', tool: 'execute_code' } });
      const second = await store.save(scope, { name: 'charts/sales.png', data: text('second!'), contentType: 'image/png', provenance: { runId: 'r2' } });
      expect(second.version).toBe(1);
      expect(await store.versions(scope, 'charts/sales.png')).toEqual([0, 1]);
      const latest = await store.load(scope, 'charts/sales.png');
      expect(latest?.data.toString()).toBe('second!');
      expect(latest?.metadata).toEqual(second);
      expect((await store.load(scope, 'charts/sales.png', 0))?.data.toString()).toBe('first');
      expect((await store.load(scope, 'charts/sales.png', 0))?.metadata).toEqual(first);
      expect(await store.load(scope, 'charts/sales.png', 2)).toBeUndefined();
      expect(await store.load(scope, 'missing.txt')).toBeUndefined();
      expect(await store.versions(scope, 'missing.txt')).toEqual([]);
      expect(await store.metadata(scope, 'charts/sales.png', 0)).toEqual(first);
      expect(await store.metadata(scope, 'charts/sales.png', 1)).toEqual(second);
      expect(await store.metadata(scope, 'charts/sales.png', 2)).toBeUndefined();
      expect(await store.metadata(scope, 'missing.txt', 0)).toBeUndefined();
    });

    it('gives concurrent saves of one name distinct versions and keeps every one', async () => {
      const store = await create();
      const scope: ArtifactScope = { userId: uniqueUser(), runId: 'r1' };
      const saved = await Promise.all(Array.from({ length: 6 }, (_, n) => store.save(scope, { name: 'out.txt', data: text(`copy ${n}`), contentType: 'text/plain', provenance: {} })));
      expect(saved.map((metadata) => metadata.version).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const contents = await Promise.all(saved.map(async (metadata) => (await store.load(scope, 'out.txt', metadata.version))?.data.toString()));
      expect(contents.sort()).toEqual(Array.from({ length: 6 }, (_, n) => `copy ${n}`));
    });

    it("lists a scope's artifacts at their latest version, and nothing of another user's, session's or run's", async () => {
      const store = await create();
      const userId = uniqueUser();
      const session: ArtifactScope = { userId, sessionId: 's1' };
      await store.save(session, { name: 'b.csv', data: text('1'), contentType: 'text/csv', provenance: {} });
      await store.save(session, { name: 'a/b.json', data: text('{}'), contentType: 'application/json', provenance: {} });
      await store.save(session, { name: 'b.csv', data: text('12'), contentType: 'text/csv', provenance: {} });
      await store.save({ userId, sessionId: 's10' }, { name: 'other.txt', data: text('x'), contentType: 'text/plain', provenance: {} });
      await store.save({ userId, runId: 's1' }, { name: 'run.txt', data: text('x'), contentType: 'text/plain', provenance: {} });
      await store.save({ userId: `${userId}x`, sessionId: 's1' }, { name: 'theirs.txt', data: text('x'), contentType: 'text/plain', provenance: {} });
      expect((await store.list(session)).map((metadata) => [metadata.name, metadata.version, metadata.bytes])).toEqual([
        ['a/b.json', 0, 2],
        ['b.csv', 1, 2],
      ]);
      expect(await store.load({ userId: `${userId}x`, sessionId: 's1' }, 'b.csv')).toBeUndefined();
      expect(await store.list({ userId: uniqueUser(), sessionId: 's1' })).toEqual([]);
    });

    it('keeps binary content byte for byte, and a user id or session id with slashes inside its own scope', async () => {
      const store = await create();
      const scope: ArtifactScope = { userId: 'team/../ada', sessionId: 'a/b' };
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, n) => n));
      await store.save(scope, { name: 'all-bytes.bin', data: bytes, contentType: 'application/octet-stream', provenance: {} });
      expect((await store.load(scope, 'all-bytes.bin'))?.data.equals(bytes)).toBe(true);
      expect(await store.load({ userId: 'team', sessionId: 'a/b' }, 'all-bytes.bin')).toBeUndefined();
      expect(await store.load({ userId: 'ada', sessionId: 'a/b' }, 'all-bytes.bin')).toBeUndefined();
      // A name at the length limit, of characters that encode long.
      const long = 'é'.repeat(256);
      await store.save(scope, { name: long, data: bytes, contentType: 'application/octet-stream', provenance: {} });
      expect((await store.load(scope, long))?.metadata.name).toBe(long);
      expect((await store.list(scope)).map((metadata) => metadata.name)).toEqual(['all-bytes.bin', long]);
      // A name that looks like a long name's hashed folder is a different artifact.
      const hashed = `~${createHash('sha256').update(encodeURIComponent(long)).digest('hex')}`;
      await store.save(scope, { name: hashed, data: text('planted'), contentType: 'text/plain', provenance: {} });
      expect(await store.versions(scope, long)).toEqual([0]);
      expect((await store.load(scope, long))?.data.equals(bytes)).toBe(true);
    });

    it('refuses ids that are empty, . or .., and text that is not well-formed, naming what', async () => {
      const store = await create();
      const save = (scope: ArtifactScope, name = 'x.txt') => store.save(scope, { name, data: text('x'), contentType: 'text/plain', provenance: {} });
      await expect(save({ userId: '..', sessionId: 's1' })).rejects.toThrow(/user id must not be empty, \. or \.\./);
      await expect(save({ userId: uniqueUser(), sessionId: '' })).rejects.toThrow(/session id must not be empty/);
      await expect(save({ userId: uniqueUser(), runId: '.' })).rejects.toThrow(/run id must not be empty/);
      await expect(save({ userId: uniqueUser(), runId: 'r1' }, 'bad\uD800.txt')).rejects.toThrow(/ill-formed text/);
    });

    it('refuses names that could leave the scope and content types that are not media types, naming the problem', async () => {
      const store = await create();
      const scope: ArtifactScope = { userId: uniqueUser(), runId: 'r1' };
      const save = (name: string, contentType = 'text/plain') => store.save(scope, { name, data: text('x'), contentType, provenance: {} });
      await expect(save('../escape.txt')).rejects.toThrow(/must not have empty, \. or \.\. segments/);
      await expect(save('/etc/passwd')).rejects.toThrow(/must not start or end with \//);
      await expect(save('a//b')).rejects.toThrow(/empty/);
      await expect(save('')).rejects.toThrow(/must be 1 to 512 characters/);
      await expect(save('ok.txt', 'not a type')).rejects.toThrow(/is not a media type/);
      await expect(store.save({ userId: uniqueUser() }, { name: 'x', data: text('x'), contentType: 'text/plain', provenance: {} })).rejects.toThrow(/belongs to a user and to a session or a run/);
      expect(await store.list(scope)).toEqual([]);
    });
  });
}
