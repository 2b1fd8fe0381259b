import { outboxEntrySchema, type OutboxEntry } from '../../domain/outbox.ts';
import type { OutboxStore } from '../../ports/outbox-store.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { InMemoryDocuments } from './in-memory-documents.ts';
import { parseOptional } from './in-memory-run-transaction.ts';

/** OutboxStore over in-memory documents (share them with the run store and the registry). */
export class InMemoryOutboxStore implements OutboxStore {
  readonly #documents: InMemoryDocuments;

  constructor(documents: InMemoryDocuments = new InMemoryDocuments()) {
    this.#documents = documents;
  }

  async listDue(before: number, limit: number): Promise<OutboxEntry[]> {
    return this.#documents
      .listChildren(paths.outboxEntries)
      .map((value) => outboxEntrySchema.parse(value))
      .filter((entry) => entry.dueTime <= before)
      .sort((a, b) => a.dueTime - b.dueTime || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  async get(ids: readonly string[]): Promise<(OutboxEntry | undefined)[]> {
    return ids.map((id) => parseOptional(outboxEntrySchema, this.#documents.get(paths.outbox(id))));
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#documents.delete(paths.outbox(id));
  }
}
