import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../shared/local-stack/process-group.ts';
import { until } from '../shared/testing/until.ts';

// `agentline dev` as users start it — through npx, or on an older system Node that hands over to
// the project's Node 22 — stopped by signals to the wrapper, not to the CLI itself.
const project = fileURLToPath(new URL('..', import.meta.url));
const agentline = join(project, 'bin/agentline.js');
const folders: string[] = [];
const started: ChildProcess[] = [];
const leftovers: number[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const pid of leftovers.splice(0)) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
});
/** A case starts a whole stack (up to a minute) and stops it (up to another): more than the project's default. */
const stackCaseTimeoutMs = 150_000;
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

/** The system Node when it is older than the CLI needs (the hand-over path); undefined otherwise. */
function olderSystemNode(): string | undefined {
  if (!existsSync('/usr/bin/node')) return undefined;
  const [major, minor] = execFileSync('/usr/bin/node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.').map(Number);
  return major! < 22 || (major === 22 && minor! < 18) ? '/usr/bin/node' : undefined;
}

/** Every live descendant of `pid` (Linux /proc). */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, itsParent] of parents) {
      if (itsParent !== parent || !isProcessAlive(child)) continue;
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** A fresh HOME and data folder, and an environment without the npm variables of this test run (`npx vitest`). */
async function freshHome() {
  const home = await mkdtemp(join(tmpdir(), 'agentline-home-'));
  folders.push(home);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
  return { home, dataDir: join(home, 'data'), env: { ...env, HOME: home, AGENTLINE_DATA_DIR: join(home, 'data'), AGENTLINE_LOG_LEVEL: 'silent', AGENTLINE_SAVE_INTERVAL_SECONDS: '0' } };
}

/** Starts `command` and resolves once `agentline dev` in it is up, with every process of the tree. */
async function startDev(command: string, args: string[], options: { detached?: boolean } = {}) {
  const { home, dataDir, env } = await freshHome();
  const wrapper = spawn(command, args, { cwd: project, env, stdio: ['ignore', 'ignore', 'pipe'], detached: options.detached ?? false });
  started.push(wrapper);
  let stderr = '';
  wrapper.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await until(() => stderr.includes('local stack running'), 60_000);
  const tree = [wrapper.pid!, ...descendantsOf(wrapper.pid!)];
  leftovers.push(...tree);
  expect(tree.length).toBeGreaterThanOrEqual(4); // wrapper(s), the CLI, the guardian, two JVMs
  const stackFile = join(home, '.agentline', 'dev-stack.json');
  const stoppedGracefully = async () => {
    // The stop exports both emulators' data: on a loaded machine that alone takes many seconds.
    await until(() => !tree.some(isProcessAlive), 60_000);
    expect((await readdir(dataDir)).filter((name) => name.startsWith('snapshot-'))).toHaveLength(1);
    // The CLI's own cleanup removes the stack file: it stopped gracefully, not killed.
    await expect(readFile(stackFile)).rejects.toThrow(/ENOENT/);
  };
  return { wrapper, tree, stoppedGracefully };
}

// npm 11 answers SIGTERM by signalling only the `sh -c` it runs the command through (which dies
// without passing it on) and exiting; a SIGKILL of npm signals nobody.
describe('agentline dev run by npm', () => {
  it.each<[string, NodeJS.Signals, string[]]>([
    ['npx agentline dev', 'SIGTERM', ['npx', 'agentline', 'dev']],
    ['npx agentline dev', 'SIGKILL', ['npx', 'agentline', 'dev']],
    ['npm run dev', 'SIGTERM', ['npm', 'run', 'dev']],
  ])('%s: stops everything, saving the data, when npm gets %s', async (_name, signal, [command, ...args]) => {
    const { wrapper, stoppedGracefully } = await startDev(command!, args);
    wrapper.kill(signal);
    await stoppedGracefully();
  }, stackCaseTimeoutMs);
});

// SIGHUP is passed on exactly as SIGTERM is (bin/agentline.js); not repeated here, each case costs a stack.
describe.skipIf(olderSystemNode() === undefined)('agentline dev on an older system Node, handed over to Node 22', () => {
  it.each<[string, NodeJS.Signals, 'wrapper' | 'its process group']>([
    ['SIGTERM to the wrapper (passed on)', 'SIGTERM', 'wrapper'],
    ['SIGINT to the wrapper alone (passed on)', 'SIGINT', 'wrapper'],
    ['Ctrl-C: SIGINT to the whole process group, so the CLI gets it twice', 'SIGINT', 'its process group'],
    ['SIGKILL of the wrapper (the CLI sees the pipe from it close)', 'SIGKILL', 'wrapper'],
  ])('stops everything gracefully, saving the data, on %s', async (_name, signal, target) => {
    const { wrapper, stoppedGracefully } = await startDev(olderSystemNode()!, [agentline, 'dev'], { detached: true });
    process.kill(target === 'wrapper' ? wrapper.pid! : -wrapper.pid!, signal);
    await stoppedGracefully();
  }, stackCaseTimeoutMs);

  it('keeps running under nohup when the shell that started it exits', async () => {
    const { home, env } = await freshHome();
    const shell = spawn('sh', ['-c', `nohup ${olderSystemNode()} ${agentline} dev > ${home}/out 2>&1 & echo $!`], { cwd: project, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await new Promise((resolve) => shell.once('exit', resolve));
    const wrapper = Number(stdout.trim());
    leftovers.push(wrapper);
    // The backgrounded child opens `out` after the shell has printed its pid: until then there is no file.
    await until(async () => (await readFile(join(home, 'out'), 'utf8').catch(() => '')).includes('local stack running'), 60_000);
    const tree = [wrapper, ...descendantsOf(wrapper)];
    leftovers.push(...tree);

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(tree.filter(isProcessAlive)).toEqual(tree);

    process.kill(wrapper, 'SIGTERM');
    await until(() => !tree.some(isProcessAlive), 60_000);
  }, stackCaseTimeoutMs);
});
