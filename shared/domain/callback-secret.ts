import { createHmac } from 'node:crypto';

/**
 * A user's Standard Webhooks secret for result callbacks (docs/architecture.md, "Result
 * callbacks"): `whsec_` + base64(HMAC-SHA256(masterKey, "agentline-callback:" + userId)). Derived,
 * never stored: the deployment keeps one master key and every user's secret follows from it, so
 * a user obtains theirs by asking (the CLI's `agentline callbacks secret`), and a new master key
 * gives every user a new secret. 32 bytes, inside the 24–64 the spec allows.
 */
export function callbackSecretFor(masterKey: string, userId: string): string {
  return `whsec_${createHmac('sha256', masterKey).update(`agentline-callback:${userId}`, 'utf8').digest('base64')}`;
}

/**
 * The local stack's master key when AGENTLINE_CALLBACK_SIGNING_KEY is not set: derived from the
 * local auth secret (kept in ~/.agentline/local-auth-secret), so the stack and the CLI agree on it
 * without another file, and it is never the token-signing key itself.
 */
export function localCallbackSigningKey(localAuthSecret: string): string {
  return createHmac('sha256', localAuthSecret).update('agentline-callback-signing-key', 'utf8').digest('base64url');
}
