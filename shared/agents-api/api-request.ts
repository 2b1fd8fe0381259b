import type { Caller } from '../domain/agents/permissions.ts';

/** An HTTP request as the API's methods see it, after the router has read and checked it. */
export interface ApiRequest {
  method: string;
  /** The path as received (percent-encoded), e.g. `/v1/projects/p/.../agents/a:deploy`. */
  path: string;
  /** Query parameters, the first value of each; names as sent (methods read them with readQuery). */
  query: Record<string, string | undefined>;
  /** Header values by lower-case name. */
  headers: Record<string, string>;
  /**
   * The body exactly as received, before any parsing: what a signature over the body covers
   * (webhook triggers verify over these bytes, docs/architecture.md "Webhook verification").
   * Empty when there was none. Never larger than the API's body limit.
   */
  rawBody: Uint8Array;
  /** The body parsed as JSON; undefined when it was empty. */
  body: unknown;
  /** Aborts when the client goes away: long-polls stop waiting then. */
  signal: AbortSignal;
}

/** What every route gets: the verified caller and the request. */
export interface ApiCall {
  caller: Caller;
  request: ApiRequest;
  /** A path parameter of the route, percent-decoded once. */
  param(name: string): string;
  /** The method's query parameters (any other is INVALID_ARGUMENT naming it). */
  query(method: string, accepted?: readonly string[]): Record<string, string | undefined>;
}
