/**
 * The secrets of the authorizations OpenAPI toolsets call with (an API key, a bearer token or an
 * OAuth2 client secret), read when a call is made (docs/architecture.md, "OpenAPI toolsets").
 * Secret Manager in production, a local source in the local stack. A value goes into the request
 * and nowhere else: never to the model, a log, a run event or an error.
 */
export interface ToolCredentials {
  /**
   * The secret of `authorization` (a resource name listed in an agent's
   * `authorizationConfig.toolAuthorizations`); undefined when this deployment has none for it or
   * may not read it. Throws TransientError when the store cannot be reached.
   */
  read(authorization: string): Promise<string | undefined>;
}

/** The secret id an authorization's value is kept under: its last name segment after `prefix`. */
export function toolSecretIdOf(authorization: string, prefix: string): string | undefined {
  const id = authorization.split('/').at(-1) ?? '';
  return /^[A-Za-z0-9_-]{1,100}$/.test(id) ? `${prefix}${id}` : undefined;
}
