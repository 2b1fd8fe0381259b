import type { WebhookSecrets } from '../../ports/webhook-secrets.ts';

/** Webhook secrets held in memory, by secret version name (unit tests and the in-memory world). */
export class InMemoryWebhookSecrets implements WebhookSecrets {
  readonly #values = new Map<string, string>();

  /** Stores (or replaces) the value of a secret version. */
  put(version: string, value: string): void {
    this.#values.set(version, value);
  }

  /** Any version may be stored here. */
  refusal(): undefined {
    return undefined;
  }

  async resolve(versions: readonly string[]): Promise<(string | undefined)[]> {
    return versions.map((version) => this.#values.get(version));
  }
}
