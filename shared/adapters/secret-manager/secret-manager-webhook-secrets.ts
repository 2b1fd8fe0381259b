import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { WebhookSecrets } from '../../ports/webhook-secrets.ts';
import { accessSecretVersion } from './access-secret-version.ts';

export interface SecretManagerWebhookSecretsOptions {
  /** The deployment's project id: a trigger may name only secrets of this project. */
  project: string;
  /** A trigger may name only secrets whose id starts with this (Terraform grants the API exactly those). */
  secretIdPrefix: string;
  /** How long a value is reused (a rotated `latest` is seen after this); 0 never caches. */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Webhook trigger secrets from Secret Manager (`accessSecretVersion`), read by the API service as
 * deliveries arrive. Only this project's secrets whose id starts with the configured prefix are
 * read, so a trigger cannot make the API verify with (and so probe) any other secret it may read,
 * such as its own page-token key; Terraform grants the API access to those secrets alone
 * (infra/iam.tf). Values are cached briefly, so a burst of deliveries costs one read per version.
 */
export class SecretManagerWebhookSecrets implements WebhookSecrets {
  readonly #client: SecretManagerServiceClient;
  readonly #allowed: RegExp;
  readonly #allowedDescription: string;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { value: string | undefined; until: number }>();

  constructor(client: SecretManagerServiceClient, options: SecretManagerWebhookSecretsOptions) {
    this.#client = client;
    this.#allowed = new RegExp(`^projects/${escape(options.project)}/secrets/${escape(options.secretIdPrefix)}[A-Za-z0-9_-]*/versions/(?:[1-9][0-9]*|latest)$`);
    this.#allowedDescription = `projects/${options.project}/secrets/${options.secretIdPrefix}…/versions/<number or latest>`;
    this.#cacheMs = options.cacheMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  refusal(version: string): string | undefined {
    if (this.#allowed.test(version)) return undefined;
    return `secret version ${version} is not one this deployment may read: webhook secrets are ${this.#allowedDescription} (AGENTLINE_WEBHOOK_SECRET_PREFIX)`;
  }

  resolve(versions: readonly string[]): Promise<(string | undefined)[]> {
    return Promise.all(versions.map((name) => this.#resolveOne(name)));
  }

  async #resolveOne(name: string): Promise<string | undefined> {
    if (!this.#allowed.test(name)) return undefined;
    const cached = this.#cache.get(name);
    if (cached && cached.until > this.#now()) return cached.value;
    const value = await accessSecretVersion(this.#client, name);
    if (this.#cacheMs > 0) this.#cache.set(name, { value, until: this.#now() + this.#cacheMs });
    return value;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
