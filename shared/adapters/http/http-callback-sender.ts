import type { CallbackRequest, CallbackSender } from '../../ports/callback-sender.ts';

/**
 * CallbackSender over the SSRF-guarded fetch (createGuardedFetch), whose timeout bounds the whole
 * exchange and whose errors already say transient or refused. Redirects are returned, not
 * followed: the signed body goes only where the run's owner said. The response body is discarded.
 */
export class HttpCallbackSender implements CallbackSender {
  readonly #fetch: typeof fetch;

  constructor(guardedFetch: typeof fetch) {
    this.#fetch = guardedFetch;
  }

  async post(request: CallbackRequest): Promise<{ status: number }> {
    const response = await this.#fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'agentline-callback/1', ...request.headers },
      body: request.body,
      redirect: 'manual',
    });
    await response.body?.cancel().catch(() => {});
    return { status: response.status };
  }
}
