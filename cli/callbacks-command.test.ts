import { describe, expect, it } from 'vitest';
import { callbackSecretFor, localCallbackSigningKey } from '../shared/domain/callback-secret.ts';
import { runCallbacksCommand } from './callbacks-command.ts';

const localAuthSecret = 'a-local-auth-secret-of-32-characters-or-more';

async function secretPrinted(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  let printed = '';
  expect(await runCallbacksCommand(args, env, (text) => void (printed += text))).toBe(0);
  return printed;
}

describe('agentline callbacks secret', () => {
  it("prints --user's secret under the key a local stack derives from the local auth secret", async () => {
    const printed = await secretPrinted(['secret', '--user', 'ada'], { AGENTLINE_LOCAL_AUTH_SECRET: localAuthSecret });
    expect(printed).toBe(`${callbackSecretFor(localCallbackSigningKey(localAuthSecret), 'ada')}\n`);
  });

  it('uses AGENTLINE_CALLBACK_SIGNING_KEY when set, and $USER without --user', async () => {
    const key = 'a-configured-callback-signing-key-of-32-plus';
    expect(await secretPrinted(['secret'], { AGENTLINE_CALLBACK_SIGNING_KEY: key, USER: 'bob' })).toBe(`${callbackSecretFor(key, 'bob')}\n`);
  });

  it.each([[[]], [['rotate']], [['secret', 'extra']]])('refuses %j', async (args) => {
    await expect(runCallbacksCommand(args, { AGENTLINE_LOCAL_AUTH_SECRET: localAuthSecret })).rejects.toThrow('agentline callbacks secret');
  });
});
