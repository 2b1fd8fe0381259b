import type { ToolCredentials } from '../../ports/tool-credentials.ts';

/** Tool authorizations' secrets held in memory: the in-memory world's and the local stack's (given at start). */
export class InMemoryToolCredentials implements ToolCredentials {
  readonly #secrets: Map<string, string>;

  constructor(secrets: Readonly<Record<string, string>> = {}) {
    this.#secrets = new Map(Object.entries(secrets));
  }

  read(authorization: string): Promise<string | undefined> {
    return Promise.resolve(this.#secrets.get(authorization));
  }

  /** Replaces an authorization's secret (a rotation). */
  set(authorization: string, secret: string): void {
    this.#secrets.set(authorization, secret);
  }
}
