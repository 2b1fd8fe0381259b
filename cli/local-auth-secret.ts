import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where CLI-started stacks keep the secret that signs local tokens (`AGENTLINE_LOCAL_AUTH_SECRET` overrides). */
export function localAuthSecretFile(home = homedir()): string {
  return join(home, '.agentline', 'local-auth-secret');
}

/**
 * The local token secret: the environment's, else the file's, else a new random one written to
 * the file (mode 0600, readable by this user only), so `dev`, `run` and `agents` share it.
 */
export async function readOrCreateLocalAuthSecret(env: NodeJS.ProcessEnv = process.env, path = localAuthSecretFile()): Promise<string> {
  const fromEnv = env['AGENTLINE_LOCAL_AUTH_SECRET'];
  if (fromEnv) return fromEnv;
  try {
    const stored = (await readFile(path, 'utf8')).trim();
    if (stored.length >= 32) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
