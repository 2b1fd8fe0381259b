import type { ToolCredentials } from '../../ports/tool-credentials.ts';
import { toolSecretIdOf } from '../../ports/tool-credentials.ts';

export interface SecretVersionToolCredentialsOptions {
  /** The deployment's project id: tool secrets are this project's. */
  project: string;
  /** An authorization `…/authorizations/ID` reads the secret `<prefix>ID` (Terraform grants the tool step exactly those). */
  secretIdPrefix: string;
  /** How long a value is reused (a rotated secret is seen after this); 0 never caches. */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Tool authorizations' secrets (docs/architecture.md, "OpenAPI toolsets"): the authorization
 * `projects/P/locations/L/authorizations/ID` reads the latest version of this project's secret
 * `<prefix>ID`, through `readVersion` — Secret Manager deployed (`accessSecretVersion`), the local
 * stack's stand-in locally. Values are cached briefly, so a turn of calls costs one read.
 */
export class SecretVersionToolCredentials implements ToolCredentials {
  readonly #readVersion: (name: string) => Promise<string | undefined>;
  readonly #options: Required<SecretVersionToolCredentialsOptions>;
  readonly #cache = new Map<string, { value: string | undefined; until: number }>();

  constructor(readVersion: (name: string) => Promise<string | undefined>, options: SecretVersionToolCredentialsOptions) {
    this.#readVersion = readVersion;
    this.#options = { cacheMs: 60_000, now: Date.now, ...options };
  }

  /** The secret version an authorization reads; undefined for a name without a usable id. */
  versionOf(authorization: string): string | undefined {
    const secretId = toolSecretIdOf(authorization, this.#options.secretIdPrefix);
    return secretId === undefined ? undefined : `projects/${this.#options.project}/secrets/${secretId}/versions/latest`;
  }

  async read(authorization: string): Promise<string | undefined> {
    const version = this.versionOf(authorization);
    if (version === undefined) return undefined;
    const cached = this.#cache.get(version);
    if (cached && cached.until > this.#options.now()) return cached.value;
    const value = await this.#readVersion(version);
    if (this.#options.cacheMs > 0) this.#cache.set(version, { value, until: this.#options.now() + this.#options.cacheMs });
    return value;
  }
}
