/**
 * Resolves the secret versions a webhook trigger names (`projects/P/secrets/S/versions/V`) to their
 * values, at delivery time. Secret Manager in production; a local store in the local stack. The
 * values go to the verifier and nowhere else: never to the API, a log or a delivery record.
 */
export interface WebhookSecrets {
  /**
   * The value of each version, in order; undefined for a version that does not exist (or that this
   * deployment may not read). Throws TransientError when the store cannot be reached.
   */
  resolve(versions: readonly string[]): Promise<(string | undefined)[]>;
  /**
   * Why this deployment will never read `version` (another project's secret, or one outside the
   * secrets it is granted), for a trigger write to refuse it at once; undefined when it may.
   */
  refusal(version: string): string | undefined;
}
