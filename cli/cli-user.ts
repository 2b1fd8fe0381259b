import { isValidUserId } from '../shared/domain/submission.ts';
import { CliUsageError } from './usage.ts';

/** Who the CLI acts as: `--user`, else the login name ($USER), else `local-user`. */
export function cliUserId(user: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const userId = user ?? env['USER'] ?? 'local-user';
  if (!isValidUserId(userId)) throw new CliUsageError(`--user "${userId}" is not a user id: use 1-254 printable characters without "/" or spaces`);
  return userId;
}
