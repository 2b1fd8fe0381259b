import { parseArgs } from 'node:util';
import { callbackSecretFor } from '../shared/domain/callback-secret.ts';
import { callbackSigningKey } from '../shared/wiring/create-callback-deps.ts';
import { loadConfig } from '../shared/wiring/load-config.ts';
import { cliUserId } from './cli-user.ts';
import { readOrCreateLocalAuthSecret } from './local-auth-secret.ts';
import { CliUsageError } from './usage.ts';

/**
 * `agentline callbacks secret [--user <id>]`: prints the user's Standard Webhooks secret for
 * result callbacks, derived from the master key exactly as the stack derives it
 * (`callbackSigningKey`: AGENTLINE_CALLBACK_SIGNING_KEY, else from the local auth secret the CLI's
 * stacks share). Needs no running stack.
 */
export async function runCallbacksCommand(args: string[], env: NodeJS.ProcessEnv = process.env, write: (text: string) => void = (text) => void process.stdout.write(text)): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { user: { type: 'string' } } });
  if (positionals.length !== 1 || positionals[0] !== 'secret') throw new CliUsageError('callbacks takes one verb: agentline callbacks secret [--user <id>]');
  const userId = cliUserId(values.user, env);
  const localAuthSecret = env['AGENTLINE_CALLBACK_SIGNING_KEY'] ? {} : { AGENTLINE_LOCAL_AUTH_SECRET: await readOrCreateLocalAuthSecret(env) };
  write(`${callbackSecretFor(callbackSigningKey(loadConfig({ ...env, ...localAuthSecret })), userId)}\n`);
  return 0;
}
