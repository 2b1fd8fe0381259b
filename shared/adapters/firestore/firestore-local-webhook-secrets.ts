import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import type { WebhookSecrets } from '../../ports/webhook-secrets.ts';
import { fromFirestoreError } from './firestore-errors.ts';

const localSecretSchema = z.object({ schemaVersion: z.literal(1), value: z.string() });

/** Where the local stack keeps a secret version's value: a collection no API reads or lists. */
const localSecretPath = (version: string) => `localWebhookSecrets/${encodeURIComponent(version)}`;

/**
 * The local stand-in for Secret Manager: secret versions stored in the local stack's Firestore
 * under their version names (`projects/P/secrets/S/versions/V`), so a trigger's configuration is
 * the same locally and deployed. Only the local stack uses it; a deployment reads Secret Manager.
 */
export class FirestoreLocalWebhookSecrets implements WebhookSecrets {
  readonly #db: Firestore;

  constructor(db: Firestore) {
    this.#db = db;
  }

  /** The local stack may read any version it stores. */
  refusal(): undefined {
    return undefined;
  }

  async resolve(versions: readonly string[]): Promise<(string | undefined)[]> {
    if (versions.length === 0) return [];
    try {
      const snapshots = await this.#db.getAll(...versions.map((version) => this.#db.doc(localSecretPath(version))));
      return snapshots.map((snapshot) => (snapshot.exists ? localSecretSchema.parse(snapshot.data()).value : undefined));
    } catch (error) {
      throw fromFirestoreError(error);
    }
  }
}

/** Stores a secret version's value for the local stack (what `gcloud secrets versions add` is deployed). */
export async function putLocalWebhookSecret(db: Firestore, version: string, value: string): Promise<void> {
  await db.doc(localSecretPath(version)).set({ schemaVersion: 1, value });
}
