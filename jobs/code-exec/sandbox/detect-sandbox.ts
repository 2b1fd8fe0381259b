import { execFile } from 'node:child_process';
import { access, constants, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { SandboxTools } from './sandbox-command.ts';

const run = promisify(execFile);

/** What this machine lacks to run code in the sandbox, in words a user can act on. */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Finds the sandbox's tools (docs/architecture.md, "Code execution"): bubblewrap, prlimit (util-linux),
 * setpriv when running as root, and Python 3 under /usr (the sandbox sees only /usr of the host).
 * Checks that bubblewrap can create its namespaces here. Throws SandboxUnavailableError naming
 * exactly what to install or allow.
 */
export async function detectSandbox(options: { node?: string } = {}): Promise<SandboxTools> {
  const missing: string[] = [];
  const bwrap = '/usr/bin/bwrap';
  const prlimit = '/usr/bin/prlimit';
  const setpriv = '/usr/bin/setpriv';
  if (!(await executable(bwrap))) missing.push('bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)');
  if (!(await executable(prlimit))) missing.push('prlimit (Debian/Ubuntu: apt-get install util-linux)');
  const python = await realpath('/usr/bin/python3').catch(() => undefined);
  // The sandbox shows /usr without /usr/local.
  if (!python || !python.startsWith('/usr/') || python.startsWith('/usr/local/') || !(await executable(python))) missing.push('Python 3 under /usr, not /usr/local (Debian/Ubuntu: apt-get install python3)');
  const root = process.getuid?.() === 0;
  if (root && !(await executable(setpriv))) missing.push('setpriv (Debian/Ubuntu: apt-get install util-linux)');
  if (missing.length > 0) throw new SandboxUnavailableError(`Code execution needs ${missing.join(', ')}`);
  try {
    await run(bwrap, ['--unshare-all', '--unshare-user', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '/usr/bin/true'], { timeout: 10_000 });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new SandboxUnavailableError(`bubblewrap cannot create its namespaces on this machine (${detail}): allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu 24.04 kernel.apparmor_restrict_unprivileged_userns=0)`);
  }
  return { bwrap, prlimit, ...(root ? { setpriv } : {}), python: python!, node: options.node ?? process.execPath };
}
