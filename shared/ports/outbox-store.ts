import type { OutboxEntry } from '../domain/outbox.ts';

/**
 * The outbox entries transactions stored (`RunTransaction.putOutbox`, the registry's too): read
 * by whoever publishes them, deleted once published. Implementations copy values across the
 * boundary.
 */
export interface OutboxStore {
  /** Entries due at or before `before`, earliest first, at most `limit` (an indexed query); empty when none. */
  listDue(before: number, limit: number): Promise<OutboxEntry[]>;
  /** The entries for the given ids, in the same order; undefined where none is stored (published already). */
  get(ids: readonly string[]): Promise<(OutboxEntry | undefined)[]>;
  /** Deletes the entries; deleting an absent one is a no-op. */
  delete(ids: readonly string[]): Promise<void>;
}
