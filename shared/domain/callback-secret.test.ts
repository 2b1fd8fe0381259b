import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callbackSecretFor, localCallbackSigningKey } from './callback-secret.ts';

describe('callbackSecretFor', () => {
  const masterKey = 'a-master-key-of-at-least-thirty-two-characters';

  it('is whsec_ and the base64 HMAC-SHA256 of "agentline-callback:<user>" under the master key', () => {
    const expected = createHmac('sha256', masterKey).update('agentline-callback:ada@example.com').digest('base64');
    expect(callbackSecretFor(masterKey, 'ada@example.com')).toBe(`whsec_${expected}`);
    expect(Buffer.from(expected, 'base64')).toHaveLength(32);
  });

  it('is the same for the same user and master key, and differs per user and per master key', () => {
    expect(callbackSecretFor(masterKey, 'ada')).toBe(callbackSecretFor(masterKey, 'ada'));
    expect(callbackSecretFor(masterKey, 'ada')).not.toBe(callbackSecretFor(masterKey, 'bob'));
    expect(callbackSecretFor(masterKey, 'ada')).not.toBe(callbackSecretFor(`${masterKey}!`, 'ada'));
  });

  it('derives the local master key from the local auth secret without being it', () => {
    const local = localCallbackSigningKey('local-auth-secret-of-at-least-32-chars');
    expect(local).toBe(localCallbackSigningKey('local-auth-secret-of-at-least-32-chars'));
    expect(local).not.toContain('local-auth-secret');
    expect(local.length).toBeGreaterThanOrEqual(32);
  });
});
