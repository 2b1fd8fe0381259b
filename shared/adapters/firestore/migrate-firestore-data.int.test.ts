import { Firestore } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { agentRecordSchema } from '../../domain/agents/agent-record.ts';
import { audiencesOf } from '../../domain/agents/list-audience.ts';
import { sampleAgentRecord } from '../../testing/agent-fixtures.ts';
import { documentPaths, encodeAgentName } from '../document-paths.ts';
import { testRetention } from '../in-memory/in-memory-run-store.ts';
import { codecs, toFirestore } from './firestore-codec.ts';
import { FirestoreAgentRegistry } from './firestore-agent-registry.ts';
import { FirestoreRunStore } from './firestore-run-store.ts';
import { migrateFirestoreData } from './migrate-firestore-data.ts';

// Data as the previous version wrote it: agents without `listedTo`, no per-user counters, sessions
// at sessions/{s}/entries/{r}.
const firestore = new Firestore({ projectId: `migrate-${process.pid}`, ignoreUndefinedProperties: true });
afterAll(() => firestore.terminate());

const parent = 'projects/p/locations/global/collections/default_collection/engines/e';
const contents = (text: string) => [{ role: 'user', parts: [{ text }] }];

describe('migrating data written before user-scoped sessions and paged lists', () => {
  it('lists old agents again, counts their creators, moves sessions under their users, and changes nothing the second time', async () => {
    const old = [sampleAgentRecord('shared', { parent, state: 'ENABLED', creator: 'ada' }), sampleAgentRecord('secret', { parent, state: 'PRIVATE', creator: 'ada' })];
    for (const record of old) await firestore.doc(documentPaths.agent(encodeAgentName(record.name))).set(toFirestore(agentRecordSchema.parse(record), codecs.agent));
    await firestore.doc('sessions/diary/entries/r1').set({ schemaVersion: 1, sessionId: 'diary', userId: 'ada', runId: 'r1', runCreateTime: 1, contents: JSON.stringify(contents('My name is Ada.')), createTime: 2 });
    await firestore.doc('sessions/diary/entries/r2').set({ schemaVersion: 1, sessionId: 'diary', runId: 'r2', runCreateTime: 3, contents: JSON.stringify(contents('anonymous')), createTime: 4 });

    const registry = new FirestoreAgentRegistry(firestore, testRetention);
    const page = (userId: string) =>
      registry.listAgentsPage({ parent, audiences: audiencesOf({ userId, admin: false }), order: { field: 'name', descending: false }, after: undefined, pageSize: 10 });
    expect((await page('grace')).agents).toEqual([]);

    expect(await migrateFirestoreData(firestore)).toEqual({ agentsListed: 2, creatorsCounted: 1, sessionEntriesMoved: 1, sessionEntriesWithoutUser: 1 });

    expect((await page('grace')).agents.map((agent) => agent.name)).toEqual([`${parent}/agents/shared`]);
    expect((await page('ada')).agents.map((agent) => agent.name)).toEqual([`${parent}/agents/secret`, `${parent}/agents/shared`]);
    expect(await registry.transact((tx) => tx.countAgentsCreatedBy('ada'))).toBe(2);
    const store = new FirestoreRunStore(firestore, testRetention);
    expect(await store.listSessionHistory('ada', 'diary', { maxRuns: 10, maxBytes: 100_000 })).toEqual(contents('My name is Ada.'));
    expect((await firestore.doc('sessions/diary/entries/r1').get()).exists).toBe(false);

    expect(await migrateFirestoreData(firestore)).toEqual({ agentsListed: 0, creatorsCounted: 0, sessionEntriesMoved: 0, sessionEntriesWithoutUser: 1 });
  });
});
