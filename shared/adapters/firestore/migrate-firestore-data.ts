import type { DocumentReference, Firestore, QueryDocumentSnapshot } from '@google-cloud/firestore';
import { agentRecordSchema } from '../../domain/agents/agent-record.ts';
import { listAudienceOf } from '../../domain/agents/list-audience.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { codecs, fromFirestore } from './firestore-codec.ts';

export interface MigrationReport {
  /** Agent documents given the `listedTo` field list pages select on. */
  agentsListed: number;
  /** Users whose count of created agents (the per-user limit's) was missing or wrong, written from their agents. */
  creatorsCounted: number;
  /** Session entries moved from `sessions/{s}/entries/{r}` to their user's `users/{u}/sessions/{s}/entries/{r}`. */
  sessionEntriesMoved: number;
  /** Session entries of anonymous runs left where they were: no user owns them, so no run reads them. */
  sessionEntriesWithoutUser: number;
}

const pageSize = 300;

/**
 * Brings documents written before user-scoped sessions and paged agent lists up to date:
 * idempotent (a second run changes nothing) and safe to stop and repeat. It reads whole
 * collections, page by page, so it is a one-off: the local stack runs it as it starts, before it
 * serves anything; a deployment runs it with `agentline migrate` after the new version is
 * deployed, while nothing creates agents (the per-user counts are written from the agents present).
 */
export async function migrateFirestoreData(db: Firestore): Promise<MigrationReport> {
  const report: MigrationReport = { agentsListed: 0, creatorsCounted: 0, sessionEntriesMoved: 0, sessionEntriesWithoutUser: 0 };
  const created = new Map<string, number>();
  await forEachDocument(db.collection(paths.agents()).orderBy('__name__'), async (page) => {
    const batch = db.batch();
    for (const doc of page) {
      const record = agentRecordSchema.parse(fromFirestore(doc.data(), codecs.agent));
      created.set(record.creator, (created.get(record.creator) ?? 0) + 1);
      if (doc.get('listedTo') === undefined) {
        batch.update(doc.ref, { listedTo: listAudienceOf(record) });
        report.agentsListed++;
      }
    }
    await batch.commit();
  });
  // Written where missing or wrong (an agent the previous version deleted after this version's
  // first create decremented from nothing): the count is the agents present.
  for (const [userId, agentCount] of created) {
    const counter = db.doc(paths.agentCreator(userId));
    if ((await counter.get()).get('agentCount') !== agentCount) {
      await counter.set({ schemaVersion: 1, userId, agentCount });
      report.creatorsCounted++;
    }
  }
  await forEachDocument(db.collectionGroup('entries').orderBy('__name__'), async (page) => {
    const batch = db.batch();
    for (const doc of page.filter((entry) => isUnscopedSessionEntry(entry.ref))) {
      const userId: unknown = doc.get('userId');
      if (typeof userId !== 'string') {
        report.sessionEntriesWithoutUser++;
        continue;
      }
      const sessionId = doc.ref.parent.parent!.id;
      batch.set(db.doc(paths.sessionEntry(userId, sessionId, doc.id)), doc.data());
      batch.delete(doc.ref);
      report.sessionEntriesMoved++;
    }
    await batch.commit();
  });
  return report;
}

/** `sessions/{s}/entries/{r}`: where sessions lived before they belonged to users. */
function isUnscopedSessionEntry(ref: DocumentReference): boolean {
  return ref.parent.parent?.parent.id === 'sessions' && ref.parent.parent.parent.parent === null;
}

async function forEachDocument(
  query: FirebaseFirestore.Query,
  handle: (page: QueryDocumentSnapshot[]) => Promise<void>,
): Promise<void> {
  let cursor: QueryDocumentSnapshot | undefined;
  for (;;) {
    const snapshot = await (cursor ? query.startAfter(cursor) : query).limit(pageSize).get();
    if (snapshot.empty) return;
    await handle(snapshot.docs);
    cursor = snapshot.docs.at(-1);
    if (snapshot.size < pageSize) return;
  }
}
