/** One signed POST of a run's result callback. */
export interface CallbackRequest {
  url: string;
  /** The exact bytes that were signed. */
  body: Uint8Array;
  headers: Record<string, string>;
}

/**
 * POSTs result callbacks to user-given URLs. Resolves with the receiver's HTTP status whatever it
 * is (redirects are not followed). Throws TransientError when there was no answer (network,
 * timeout) and a non-retryable AgentlineError when the URL may never be called (a refused address).
 */
export interface CallbackSender {
  post(request: CallbackRequest): Promise<{ status: number }>;
}
