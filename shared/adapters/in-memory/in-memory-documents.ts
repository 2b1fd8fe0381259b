import { TransientError } from '../../domain/errors.ts';
import { AlreadyExistsError } from '../../ports/run-store.ts';

const maxTransactionAttempts = 25;

interface StoredDocument {
  version: number;
  value: unknown;
}

/**
 * `value: undefined` deletes the document. A `transform` computes the new value from the one
 * stored at commit, as Firestore's field transforms (`FieldValue.increment`) do.
 */
type Write = { path: string; value: unknown; createOnly: boolean; transform?: (current: unknown) => unknown };

/**
 * A tiny document database with Firestore's transaction rules, for the in-memory world:
 * optimistic transactions (a transaction whose reads changed before commit is re-run), reads
 * before writes, create-once documents, and values copied across the boundary.
 */
export class InMemoryDocuments {
  readonly #documents = new Map<string, StoredDocument>();
  readonly #tombstones = new Map<string, number>();
  #nextVersion = 1;

  get(path: string): unknown {
    const stored = this.#documents.get(path);
    return stored === undefined ? undefined : structuredClone(stored.value);
  }

  /** Documents whose path starts with `prefix`, sorted by path. */
  list(prefix: string): unknown[] {
    return [...this.#documents.entries()]
      .filter(([path]) => path.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, stored]) => structuredClone(stored.value));
  }

  /** Documents directly in `collection` (not in its subcollections), sorted by path. */
  listChildren(collection: string): unknown[] {
    const depth = collection.split('/').length + 1;
    return [...this.#documents.entries()]
      .filter(([path]) => path.startsWith(`${collection}/`) && path.split('/').length === depth)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, stored]) => structuredClone(stored.value));
  }

  /**
   * Documents of every collection named `group`, wherever it is (Firestore's collection-group
   * query), with their paths, sorted by path.
   */
  listGroup(group: string): { path: string; value: unknown }[] {
    return [...this.#documents.entries()]
      .filter(([path]) => {
        const segments = path.split('/');
        return segments.length % 2 === 0 && segments.at(-2) === group;
      })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, stored]) => ({ path, value: structuredClone(stored.value) }));
  }

  /** Writes outside a transaction; `createOnly` fails when the document exists. */
  write(path: string, value: unknown, createOnly = false): void {
    this.commit(new Map(), [{ path, value, createOnly }]);
  }

  /** Deletes outside a transaction; deleting a missing document is a no-op, as in Firestore. */
  delete(path: string): void {
    this.commit(new Map(), [{ path, value: undefined, createOnly: false }]);
  }

  /**
   * Runs `work` as an optimistic transaction, re-running it when a document it read changed
   * before commit (as Firestore does); resolves with its result and the paths it wrote.
   */
  async runTransaction<T>(work: (state: InMemoryTransactionState) => Promise<T>): Promise<{ result: T; writtenPaths: string[] }> {
    for (let attempt = 1; attempt <= maxTransactionAttempts; attempt++) {
      const state = this.beginTransaction();
      const result = await work(state);
      if (state.commit()) return { result, writtenPaths: state.writtenPaths };
    }
    throw new TransientError(`Transaction aborted after ${maxTransactionAttempts} attempts of contention`, { code: 'ABORTED' });
  }

  beginTransaction(): InMemoryTransactionState {
    return new InMemoryTransactionState(this);
  }

  versionOf(path: string): number {
    return this.#documents.get(path)?.version ?? this.#tombstones.get(path) ?? 0;
  }

  /** Applies writes atomically if none of the read versions changed; returns false otherwise. */
  commit(readVersions: ReadonlyMap<string, number>, writes: readonly Write[]): boolean {
    for (const [path, version] of readVersions) if (this.versionOf(path) !== version) return false;
    for (const write of writes) {
      if (write.createOnly && this.#documents.has(write.path)) throw new AlreadyExistsError(write.path);
    }
    for (const write of writes) {
      const value = write.transform ? write.transform(this.get(write.path)) : write.value;
      // A deleted document keeps a version (valueless), so a transaction that read it sees the change.
      if (value === undefined) {
        this.#documents.delete(write.path);
        this.#tombstones.set(write.path, this.#nextVersion++);
      } else {
        this.#documents.set(write.path, { version: this.#nextVersion++, value: structuredClone(value) });
      }
    }
    return true;
  }
}

/** Reads and buffered writes of one transaction attempt. */
export class InMemoryTransactionState {
  readonly #documents: InMemoryDocuments;
  readonly #readVersions = new Map<string, number>();
  readonly #writes: Write[] = [];

  constructor(documents: InMemoryDocuments) {
    this.#documents = documents;
  }

  read(path: string): unknown {
    if (this.#writes.length > 0) {
      throw new Error('Transactions require all reads to be executed before all writes');
    }
    this.#readVersions.set(path, this.#documents.versionOf(path));
    return this.#documents.get(path);
  }

  write(path: string, value: unknown, createOnly = false): void {
    this.#writes.push({ path, value, createOnly });
  }

  /** The documents directly in `collection`, as a query inside the transaction reads them (before any write). */
  readChildren(collection: string): unknown[] {
    if (this.#writes.length > 0) throw new Error('Transactions require all reads to be executed before all writes');
    return this.#documents.listChildren(collection);
  }

  /** A write computed from the document's value at commit (undefined when absent). */
  transform(path: string, next: (current: unknown) => unknown): void {
    this.#writes.push({ path, value: undefined, createOnly: false, transform: next });
  }

  get writtenPaths(): string[] {
    return this.#writes.map((write) => write.path);
  }

  commit(): boolean {
    return this.#documents.commit(this.#readVersions, this.#writes);
  }
}
