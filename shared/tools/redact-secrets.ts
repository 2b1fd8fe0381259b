/**
 * The text with every secret value replaced, for a server that echoes what it was sent (an OpenAPI
 * operation's or an MCP server's answer or error): a value shorter than 4 characters is left, as
 * replacing it would mangle ordinary text without hiding anything.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((redacted, secret) => (secret.length >= 4 ? redacted.replaceAll(secret, '[redacted]') : redacted), text);
}
