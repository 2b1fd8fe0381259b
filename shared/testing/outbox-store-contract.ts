import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../domain/outbox.ts';
import type { OutboxStore } from '../ports/outbox-store.ts';
import type { RunStore } from '../ports/run-store.ts';

let counter = 0;
const uniqueId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

/** An outbox store and a run store over the same database (entries are written by run transactions). */
export interface OutboxStores {
  outbox: OutboxStore;
  store: RunStore;
}

const entry = (id: string, dueTime: number): OutboxEntry => ({ schemaVersion: 1, id, topic: 'results', data: { runId: id, nested: { a: [1, 2] } }, createTime: dueTime, dueTime });

/**
 * The behaviour every OutboxStore must have, run against the in-memory store in unit tests and
 * against Firestore (emulator) in integration tests.
 */
export function describeOutboxStoreContract(name: string, createStores: () => OutboxStores): void {
  describe(`OutboxStore contract: ${name}`, () => {
    it('lists the entries due by a time, earliest first, up to a limit, as they were written', async () => {
      const { outbox, store } = createStores();
      const [late, early, later] = [uniqueId('late'), uniqueId('early'), uniqueId('later')];
      // Due times below every other test's, so entries of other tests stay out of the way.
      await store.transact(async (tx) => {
        tx.putOutbox(entry(late, 20));
        tx.putOutbox(entry(early, 10));
        tx.putOutbox(entry(later, 40));
      });
      const mine = new Set([late, early, later]);
      const listed = async (before: number, limit: number) => (await outbox.listDue(before, limit)).filter((found) => mine.has(found.id));
      expect(await listed(30, 100)).toEqual([entry(early, 10), entry(late, 20)]);
      expect((await listed(40, 1)).map((found) => found.id)).toEqual([early]);
      expect(await listed(5, 100)).toEqual([]);
    });

    it('gets entries by id in order, undefined where none is stored', async () => {
      const { outbox, store } = createStores();
      const id = uniqueId('o');
      await store.transact(async (tx) => tx.putOutbox(entry(id, 1_000)));
      expect(await outbox.get([uniqueId('none'), id])).toEqual([undefined, entry(id, 1_000)]);
      expect(await outbox.get([])).toEqual([]);
    });

    it('deletes entries, and deleting an absent one is harmless', async () => {
      const { outbox, store } = createStores();
      const [kept, gone] = [uniqueId('kept'), uniqueId('gone')];
      await store.transact(async (tx) => {
        tx.putOutbox(entry(kept, 1_000));
        tx.putOutbox(entry(gone, 1_000));
      });
      await outbox.delete([gone, uniqueId('never')]);
      await outbox.delete([]);
      expect(await outbox.get([kept, gone])).toEqual([entry(kept, 1_000), undefined]);
    });
  });
}
