#!/usr/bin/env node
// The CLI runs its TypeScript sources directly, which needs Node >= 22.18 (type stripping).
// `npm install` puts Node 22 in node_modules (the `node` package); when this file is started by
// an older system Node, it hands over to that one with the same arguments and exit status.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Started by a wrapper that does not pass signals on (`npx agentline …`: npm exec exits on SIGTERM
// and leaves its child running; or the hand-over below), stop the way SIGTERM stops us when that
// wrapper goes away: our parent changes when we are re-parented. Not otherwise, so a stack under
// nohup outlives the shell that started it.
if (process.env.npm_command === 'exec' || process.env.AGENTLINE_STOP_WITH_PARENT === '1') {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch); // once: a second SIGTERM would cut the graceful stop short
    process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

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
    stdio: 'inherit',
    env: { ...process.env, AGENTLINE_STOP_WITH_PARENT: '1' },
  });
  // Ctrl-C reaches the child through the terminal's process group; forward other signals.
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    else process.exit(code ?? 1);
  });
}
