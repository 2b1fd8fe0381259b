#!/usr/bin/env node
// The CLI runs its TypeScript sources directly, which needs Node >= 22.18 (type stripping).
// `npm install` puts Node 22 in node_modules (the `node` package); when this file is started by
// an older system Node, it hands over to that one with the same arguments and exit status.
//
// Wrappers and signals. The CLI stops gracefully on SIGINT, SIGTERM and SIGHUP (saving a local
// stack's data). Two wrappers can stand between it and whoever sends them:
// - npm (`npx agentline …`, `npm run dev`): npm 11 answers SIGTERM by signalling only the `sh -c`
//   it runs us through, which dies without passing it on, and exiting; a SIGKILL of npm signals
//   nobody. We are left running, re-parented. So, run by npm, we stop as SIGTERM stops us once
//   the shell or npm is gone.
// - the hand-over below: it forwards every signal, and the child also watches a pipe from it,
//   which the kernel closes however the wrapper dies (even by SIGKILL).
// Only these relationships stop us: a stack under `nohup` outlives the shell that started it. (A
// SIGHUP still stops it gracefully: Node resets nohup's "ignore SIGHUP" at start; `setsid` is
// what keeps a stack running after its terminal closes.)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const forwardedSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let stoppedForWrapper = false;
function stopAsSigtermDoes() {
  if (stoppedForWrapper) return; // once: a later second SIGTERM would cut the graceful stop short
  stoppedForWrapper = true;
  process.kill(process.pid, 'SIGTERM');
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

// /proc where there is one (slim images have no `ps`), `ps` elsewhere (macOS).
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
    return parent > 1 ? parent : undefined;
  } catch {
    // no /proc: ask ps
  }
  const answer = spawnSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' });
  const parent = Number.parseInt(answer.stdout ?? '', 10);
  return answer.status === 0 && parent > 1 ? parent : undefined;
}

// npm runs `sh -c <command>`: our parent is that shell (or npm, if the shell exec'd us), its
// parent npm (or whoever ran npm). Either going away means the wrapper is gone.
function stopWhenNpmIsGone() {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  setInterval(() => {
    if (process.ppid !== parent || (grandparent !== undefined && !isAlive(grandparent))) stopAsSigtermDoes();
  }, 500).unref();
}

// Started by the hand-over: fd 3 is a pipe from the wrapper, whose pid is in the environment
// (checked against our parent, so a stray copy of the variable in some descendant does nothing).
function stopWhenHandOverWrapperIsGone() {
  const wrapper = Number(process.env.AGENTLINE_WRAPPER_PID);
  delete process.env.AGENTLINE_WRAPPER_PID;
  if (wrapper !== process.ppid) return;
  try {
    const pipe = new Socket({ fd: 3, readable: true, writable: false });
    pipe.on('error', () => {}).on('close', stopAsSigtermDoes).resume().unref();
  } catch {
    // fd 3 is not the wrapper's pipe after all: nothing to watch
  }
}

// npm sets npm_command for everything it runs, and every descendant inherits it (`npx vitest` →
// a test → us); the command it ran, in npm_lifecycle_script, says whether that is us: `npx
// agentline …` runs `'agentline'`, `npm run dev` runs `node bin/agentline.js dev`.
const runByNpm =
  ['exec', 'run-script', 'run'].includes(process.env.npm_command ?? '') &&
  /^(?:'?agentline'?|node\s+\S*bin\/agentline\.js)(?:\s|$)/.test(process.env.npm_lifecycle_script ?? '');

if (process.env.AGENTLINE_WRAPPER_PID !== undefined) stopWhenHandOverWrapperIsGone();
else if (runByNpm) stopWhenNpmIsGone();

const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 18)) {
  await import('../cli/main.ts');
} else {
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(bundled)) {
    process.stderr.write(`agentline needs Node >= 22.18 (this is ${process.version}); run \`npm ci\` in the project to install it.\n`);
    process.exit(1);
  }
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, AGENTLINE_WRAPPER_PID: String(process.pid) },
  });
  // Every signal is passed on, SIGINT included: a Ctrl-C that also reached the child through the
  // terminal's process group arrives twice within milliseconds, which the CLI counts as one.
  for (const signal of forwardedSignals) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      for (const each of forwardedSignals) process.removeAllListeners(each);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
