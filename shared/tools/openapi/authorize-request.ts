import { TransientError } from '../../domain/errors.ts';
import type { OpenApiAuth } from '../../domain/openapi-operation.ts';
import type { ToolCredentials } from '../../ports/tool-credentials.ts';
import { ToolFailure } from '../tool.ts';

/** What a request carries for its toolset's auth, and every secret value it uses (to redact). */
export interface RequestAuthorization {
  headers: Record<string, string>;
  query: Record<string, string>;
  secrets: string[];
}

/** Refresh a cached token this long before the expiry its server gave, so it never expires in flight. */
const expiryMarginMs = 30_000;

/**
 * Applies a toolset's auth to its requests (docs/architecture.md, "OpenAPI toolsets"): an API key
 * in a header or the query, a bearer token, or an OAuth2 client-credentials access token, which
 * is cached until shortly before it expires and fetched again when the API refuses it (once).
 */
export class RequestAuthorizer {
  readonly #credentials: ToolCredentials;
  readonly #fetch: typeof fetch;
  readonly #tokens = new Map<string, { token: string; until: number }>();

  constructor(credentials: ToolCredentials, guardedFetch: typeof fetch) {
    this.#credentials = credentials;
    this.#fetch = guardedFetch;
  }

  async authorize(auth: OpenApiAuth | undefined, now: number): Promise<RequestAuthorization> {
    if (!auth) return { headers: {}, query: {}, secrets: [] };
    const secret = await this.#secretOf(auth.authorization);
    if (auth.scheme === 'api_key') {
      return auth.in === 'header' ? { headers: { [auth.name]: secret }, query: {}, secrets: [secret] } : { headers: {}, query: { [auth.name]: secret }, secrets: [secret] };
    }
    if (auth.scheme === 'bearer') return { headers: { authorization: `Bearer ${secret}` }, query: {}, secrets: [secret] };
    const token = await this.#accessToken(auth, secret, now);
    return { headers: { authorization: `Bearer ${token}` }, query: {}, secrets: [secret, token] };
  }

  /** The API refused the token (401): forget it, so the next `authorize` fetches a new one. True for OAuth2, whose call may then be retried once. */
  refused(auth: OpenApiAuth | undefined): boolean {
    if (auth?.scheme !== 'oauth2_client_credentials') return false;
    this.#tokens.delete(tokenKey(auth));
    return true;
  }

  async #secretOf(authorization: string): Promise<string> {
    const secret = await this.#credentials.read(authorization);
    if (secret === undefined || secret === '') throw new ToolFailure(`Authorization ${authorization} has no secret this deployment can read`);
    return secret;
  }

  async #accessToken(auth: Extract<OpenApiAuth, { scheme: 'oauth2_client_credentials' }>, clientSecret: string, now: number): Promise<string> {
    const key = tokenKey(auth);
    const cached = this.#tokens.get(key);
    if (cached && cached.until > now) return cached.token;
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(auth.scopes.length > 0 ? { scope: auth.scopes.join(' ') } : {}) });
    // RFC 6749 §2.3.1: every authorization server supports client_secret_basic.
    const basic = Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const response = await this.#fetch(auth.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      redirect: 'manual',
    });
    const text = await response.text();
    const failure = `The token endpoint of authorization ${auth.authorization} answered HTTP ${response.status}`;
    if (response.status === 429 || response.status >= 500) throw new TransientError(failure);
    if (!response.ok) throw new ToolFailure(failure);
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new ToolFailure(`${failure} with a body that is not JSON`);
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') throw new ToolFailure(`${failure} without an access_token`);
    const expiresInMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 0;
    // Without expires_in the token is used for this call only.
    if (expiresInMs > expiryMarginMs) this.#tokens.set(key, { token: body.access_token, until: now + expiresInMs - expiryMarginMs });
    return body.access_token;
  }
}

function tokenKey(auth: Extract<OpenApiAuth, { scheme: 'oauth2_client_credentials' }>): string {
  return JSON.stringify([auth.authorization, auth.tokenUrl, auth.clientId, auth.scopes]);
}
