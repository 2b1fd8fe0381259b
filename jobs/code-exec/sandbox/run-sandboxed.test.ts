import { existsSync } from 'node:fs';
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { detectSandbox } from './detect-sandbox.ts';
import type { SandboxTools } from './sandbox-command.ts';
import { defaultSandboxLimits, type SandboxLimits } from '../../../shared/domain/code-execution/sandbox-limits.ts';
import { runSandboxed } from './run-sandboxed.ts';
import { removeWorkspace } from './workspace-files.ts';

// Real executions in the real sandbox (bubblewrap, prlimit; README "Requirements"): every escape
// the issue lists, each contained and reported.
let tools: SandboxTools;
let hostServer: Server;
let hostPort: number;
const workspaces: string[] = [];

beforeAll(async () => {
  tools = await detectSandbox();
  // A service on the host's loopback that the code must not reach.
  hostServer = createServer((socket) => socket.end('host secret\n'));
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  hostPort = (hostServer.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => hostServer.close(() => resolve()));
});

afterEach(async () => {
  for (const workspace of workspaces.splice(0)) await removeWorkspace(workspace);
});

async function workspace(files: Record<string, string> = {}): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'agentline-workspace-'));
  workspaces.push(path);
  for (const [name, content] of Object.entries(files)) await writeFile(join(path, name), content);
  return path;
}

const limits = (overrides: Partial<SandboxLimits> = {}): SandboxLimits => ({ ...defaultSandboxLimits, wallSeconds: 20, ...overrides });

async function python(code: string, options: { files?: Record<string, string>; limits?: Partial<SandboxLimits> } = {}) {
  const path = await workspace(options.files);
  return { outcome: await runSandboxed({ language: 'python', code, workspace: path, limits: limits(options.limits) }, tools), workspace: path };
}

/** Python lines that try to write each path and print `WRITTEN` or `refused <errno>`. */
function tryWriting(paths: string[]): string[] {
  return [`for path in ${JSON.stringify(paths)}:`, '    try:', "        open(path, 'w').write('x')", "        print(path, 'WRITTEN')", '    except OSError as error:', "        print(path, 'refused', error.errno)"];
}

describe('the code sandbox', () => {
  it('runs Python with the input files in its workspace and reports its output, exit status and the files it wrote', async () => {
    const { outcome, workspace: path } = await python(
      ['import csv, json, sys', "rows = list(csv.DictReader(open('sales.csv')))", "total = sum(int(row['amount']) for row in rows)", "open('total.json', 'w').write(json.dumps({'total': total}))", 'print(total)', "print('done', file=sys.stderr)", 'sys.exit(3)'].join('\n'),
      { files: { 'sales.csv': 'region,amount\nnorth,40\nsouth,2\n' } },
    );
    expect(outcome).toMatchObject({ exitCode: 3, stdout: '42\n', stderr: 'done\n', stdoutBytes: 3 });
    expect(outcome.limitHit).toBeUndefined();
    expect(outcome.files.map((file) => [file.path, file.bytes])).toEqual([['total.json', 13]]);
    expect(JSON.parse(await readFile(join(path, 'total.json'), 'utf8'))).toEqual({ total: 42 });
  });

  it('runs JavaScript on the runtime that runs agentline', async () => {
    const path = await workspace({ 'in.txt': 'abc' });
    const outcome = await runSandboxed({ language: 'javascript', code: "const fs = require('fs'); fs.writeFileSync('out.txt', fs.readFileSync('in.txt', 'utf8').toUpperCase()); console.log(process.version)", workspace: path, limits: limits() }, tools);
    expect(outcome).toMatchObject({ exitCode: 0, stdout: `${process.version}\n` });
    expect(await readFile(join(path, 'out.txt'), 'utf8')).toBe('ABC');
  });

  it('reaches no network: not the host loopback, not the metadata server, not a public address', async () => {
    const code = [
      'import socket',
      `for host, port in [('127.0.0.1', ${hostPort}), ('169.254.169.254', 80), ('8.8.8.8', 53), ('metadata.google.internal', 80)]:`,
      '    try:',
      '        socket.create_connection((host, port), timeout=2).recv(100)',
      "        print(host, 'REACHED')",
      '    except OSError as error:',
      "        print(host, 'refused', type(error).__name__)",
    ].join('\n');
    const { outcome } = await python(code);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).not.toContain('REACHED');
    expect(outcome.stdout.trim().split('\n')).toHaveLength(4);
  });

  it("sees none of the caller's environment or files, and cannot write outside its workspace", async () => {
    process.env['AGENTLINE_SANDBOX_TEST_SECRET'] = 'do-not-leak';
    try {
      const secretFile = join(await workspace(), 'secret.txt');
      await writeFile(secretFile, 'host file');
      const hostMarker = join(tmpdir(), `agentline-escape-${process.pid}`);
      const code = [
        'import os',
        'print(sorted(os.environ))',
        "print(open('/proc/1/environ', 'rb').read())",
        `for path in [${JSON.stringify(secretFile)}, '/etc/passwd', '/root', ${JSON.stringify(import.meta.filename)}]:`,
        '    print(path, os.path.exists(path))',
        ...tryWriting(['/usr/escape', '/escape', hostMarker]),
      ].join('\n');
      const { outcome } = await python(code);
      expect(outcome.exitCode, outcome.stderr).toBe(0);
      expect(outcome.stdout).not.toContain('do-not-leak');
      expect(outcome.stdout).not.toContain('AGENTLINE_SANDBOX_TEST_SECRET');
      expect(outcome.stdout).not.toContain(' True');
      // /tmp is the sandbox's own: a write there never reaches the host's.
      expect(existsSync(hostMarker)).toBe(false);
      expect(outcome.stdout).toMatch(/\/usr\/escape refused/);
      expect(outcome.stdout).toMatch(/^\/escape refused/m);
    } finally {
      delete process.env['AGENTLINE_SANDBOX_TEST_SECRET'];
    }
  });

  it('stops a fork bomb at the process limit and reports it', async () => {
    const { outcome } = await python('import os\nwhile True:\n    os.fork()', { limits: { processes: 16 } });
    expect(outcome.limitHit).toBe('processes');
    expect(outcome.durationMs).toBeLessThan(15_000);
  });

  it('stops a memory hog at the memory limit and reports it, in Python and in JavaScript', async () => {
    const { outcome } = await python('data = bytearray(2 * 1024 ** 3)', { limits: { memoryBytes: 128 * 1024 * 1024 } });
    expect(outcome).toMatchObject({ exitCode: 1, limitHit: 'memory' });
    const path = await workspace();
    const js = await runSandboxed({ language: 'javascript', code: 'const hog = []; for (;;) hog.push(new Array(1e6).fill(1));', workspace: path, limits: limits({ memoryBytes: 128 * 1024 * 1024 }) }, tools);
    expect(js.limitHit).toBe('memory');
  });

  it('stops an endless loop at its CPU time, and a sleeper at its wall time', async () => {
    const { outcome: spinning } = await python('while True:\n    pass', { limits: { cpuSeconds: 1 } });
    expect(spinning).toMatchObject({ signal: 'SIGXCPU', limitHit: 'cpu-time' });
    const { outcome: sleeping } = await python('import time\ntime.sleep(60)', { limits: { wallSeconds: 1 } });
    expect(sleeping.limitHit).toBe('wall-time');
    expect(sleeping.durationMs).toBeLessThan(10_000);
  });

  it('keeps the first bytes of 100 MB on stdout and stops the writer', async () => {
    const { outcome } = await python("import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 1024 * 1024)", { limits: { outputBytes: 4_096 } });
    expect(outcome.limitHit).toBe('output');
    expect(outcome.stdout).toBe('x'.repeat(4_096));
    expect(outcome.stdoutBytes).toBeLessThan(100 * 1024 * 1024);
  });

  it('stops a huge file at the file size limit, and many files at the workspace limit', async () => {
    const { outcome: huge } = await python("with open('huge.bin', 'wb') as out:\n    for _ in range(1024):\n        out.write(b'0' * 1024 * 1024)", { limits: { fileBytes: 8 * 1024 * 1024 } });
    // Python ignores SIGXFSZ, so its write fails with EFBIG (JavaScript's process would get the signal).
    expect(huge).toMatchObject({ exitCode: 1, limitHit: 'file-size' });
    expect(huge.files.find((file) => file.path === 'huge.bin')?.bytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    const { outcome: many } = await python("import time\nfor n in range(1000):\n    open(f'part{n}.bin', 'wb').write(b'0' * 1024 * 1024)\n    time.sleep(0.01)", { limits: { fileBytes: 2 * 1024 * 1024, workspaceBytes: 16 * 1024 * 1024 } });
    expect(many.limitHit).toBe('workspace-size');
  });

  it('stops a workspace built to hide its size (folders deeper than can be walked) and still reports', async () => {
    const { outcome } = await python("import os\npath = '.'\nfor n in range(100):\n    path = os.path.join(path, 'd' * 50)\n    os.mkdir(path)\nimport time\ntime.sleep(30)", { limits: { wallSeconds: 20 } });
    expect(outcome.limitHit).toBe('workspace-size');
    expect(outcome.durationMs).toBeLessThan(15_000);
  });

  it("refuses the kernel keyring, ptrace and io_uring, and keeps /dev, /usr/local and the root read-only", async () => {
    const numbers = process.arch === 'arm64' ? { keyctl: 219, ptrace: 117, io_uring_setup: 425 } : { keyctl: 250, ptrace: 101, io_uring_setup: 425 };
    const code = [
      'import ctypes, os',
      'libc = ctypes.CDLL(None, use_errno=True)',
      `for name, number, args in [('keyctl', ${numbers.keyctl}, (0, -3, 0)), ('ptrace', ${numbers.ptrace}, (16, 1, 0, 0)), ('io_uring_setup', ${numbers.io_uring_setup}, (1, 0))]:`,
      '    result = libc.syscall(number, *args)',
      "    print(name, result, ctypes.get_errno())",
      ...tryWriting(['/dev/x', '/usr/local/x', '/x']),
      "print('usr/local', os.listdir('/usr/local'))",
    ].join('\n');
    const { outcome } = await python(code);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('keyctl -1 1\n');
    expect(outcome.stdout).toContain('ptrace -1 1\n');
    expect(outcome.stdout).toContain('io_uring_setup -1 1\n');
    expect(outcome.stdout).not.toContain('WRITTEN');
    expect(outcome.stdout).toContain('usr/local []');
  });

  it('never follows a link the code leaves in its workspace to a file of the host', async () => {
    const { outcome, workspace: path } = await python("import os\nos.symlink('/etc/passwd', 'passwd')\nos.symlink('/', 'root')\nopen('real.txt', 'w').write('ok')");
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.files.map((file) => file.path)).toEqual(['real.txt']);
    await symlink('/etc/hostname', join(path, 'planted'));
    expect(outcome.files.some((file) => file.path === 'planted')).toBe(false);
  });
});
