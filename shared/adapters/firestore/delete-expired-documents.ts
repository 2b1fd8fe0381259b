import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { expireTimeField } from '../../domain/retention.ts';
import { expiringCollectionGroups } from '../document-paths.ts';

/**
 * What Firestore's TTL policies do in production, for the emulator, which has none: deletes at
 * most `limit` documents of the expiring collection groups whose `expireTime` has passed, with
 * one query per group on that field. Returns how many it deleted.
 */
export async function deleteExpiredDocuments(db: Firestore, now: number, limit: number): Promise<number> {
  let deleted = 0;
  for (const group of expiringCollectionGroups) {
    if (deleted >= limit) break;
    const snapshot = await db.collectionGroup(group).where(expireTimeField, '<=', Timestamp.fromMillis(now)).limit(limit - deleted).get();
    if (snapshot.empty) continue;
    const batch = db.batch();
    for (const doc of snapshot.docs) batch.delete(doc.ref);
    await batch.commit();
    deleted += snapshot.size;
  }
  return deleted;
}
