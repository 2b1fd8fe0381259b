import type { CodeLanguage } from '../../../shared/domain/code-execution/code-execution.ts';
import type { SandboxLimits } from '../../../shared/domain/code-execution/sandbox-limits.ts';

export type { CodeLanguage };

/** Where the sandbox's tools and runtimes are on this machine (`detectSandbox`). */
export interface SandboxTools {
  bwrap: string;
  prlimit: string;
  /** Present when this process may change user ids (root): each execution then runs as a user id of its own. */
  setpriv?: string;
  /** Host paths of the interpreters, bound read-only into the sandbox. */
  python: string;
  node: string;
}

/** The paths the code sees: its workspace, its own source (read-only), and the runtime. */
export const sandboxPaths = { workspace: '/workspace', source: '/sandbox', node: '/runtime/node' } as const;

/** Size of each private tmpfs the code may write (/tmp, /dev/shm). */
const privateTmpfsBytes = 16 * 1024 * 1024;

const sourceFiles: Record<CodeLanguage, string> = { python: 'main.py', javascript: 'main.js' };

export function sourceFileOf(language: CodeLanguage): string {
  return sourceFiles[language];
}

/**
 * The command that runs one execution (docs/architecture.md, "Code execution"): kernel limits set
 * by prlimit, then — when this process is root — a user id of the execution's own (so the process
 * limit counts its processes alone, and nothing it does is root's), then bubblewrap: new user, PID,
 * network, IPC, UTS and cgroup namespaces (the network namespace has nothing but its own loopback,
 * so neither the host's loopback nor the metadata server nor the internet is reachable), no
 * capabilities, no further user namespaces, a seccomp filter, an empty environment, and a
 * read-only filesystem of `/usr` (without `/usr/local`), the runtime and the source, with small
 * private `/tmp` and `/dev/shm` and the workspace the only places it may write — nothing else of
 * the host.
 */
/**
 * The only parts of /etc the sandbox shows, read-only, because the runtimes under /usr read them:
 * Debian's alternatives (numpy loads BLAS through them), the dynamic linker's cache, and
 * fontconfig's settings and Debian's matplotlibrc (matplotlib). Nothing in them is the host's own data.
 */
const runtimeConfiguration = ['/etc/alternatives', '/etc/ld.so.cache', '/etc/fonts', '/etc/matplotlibrc'];

export function sandboxCommand(options: {
  language: CodeLanguage;
  /** Host directory of the execution's workspace (read-write). */
  workspace: string;
  /** Host directory holding the source file (bound read-only). */
  sourceDirectory: string;
  limits: SandboxLimits;
  tools: SandboxTools;
  /** The user id to run as, with `tools.setpriv`. */
  uid?: number;
  /** Processes this user id has already (without setpriv, the limit counts them too). */
  existingProcesses?: number;
  /** The file descriptor bubblewrap reads the seccomp filter from (seccomp-filter.ts). */
  seccompFd?: number;
}): { file: string; args: string[] } {
  const { limits, tools, language } = options;
  const processes = limits.processes + (options.uid === undefined ? (options.existingProcesses ?? 0) : 0);
  const rlimits = [
    // Soft below hard: SIGXCPU at the limit (reported as cpu-time), SIGKILL a second later.
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
    `--data=${limits.memoryBytes}`,
    `--nproc=${processes}`,
    `--nofile=${limits.openFiles}`,
    `--fsize=${limits.fileBytes}`,
    '--core=0',
  ];
  const asUser = tools.setpriv && options.uid !== undefined ? [tools.setpriv, `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', '--'] : [];
  const environment = {
    PATH: '/usr/bin:/bin',
    HOME: '/tmp',
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    MPLBACKEND: 'Agg',
    MPLCONFIGDIR: '/tmp/matplotlib',
  };
  const bwrap = [
    tools.bwrap,
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--clearenv',
    ...Object.entries(environment).flatMap(([name, value]) => ['--setenv', name, value]),
    '--ro-bind',
    '/usr',
    '/usr',
    // What a machine adds under /usr/local (an npmrc, say) is not the runtime: hidden.
    '--tmpfs',
    '/usr/local',
    ...['lib', 'lib64', 'bin', 'sbin'].flatMap((link) => ['--symlink', `usr/${link}`, `/${link}`]),
    ...runtimeConfiguration.flatMap((path) => ['--ro-bind-try', path, path]),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(privateTmpfsBytes),
    '--tmpfs',
    '/dev/shm',
    '--size',
    String(privateTmpfsBytes),
    '--tmpfs',
    '/tmp',
    '--ro-bind',
    tools.node,
    sandboxPaths.node,
    '--ro-bind',
    options.sourceDirectory,
    sandboxPaths.source,
    '--bind',
    options.workspace,
    sandboxPaths.workspace,
    // The root bubblewrap builds is a tmpfs of its own, and so is /dev: read-only, so only /tmp,
    // /dev/shm (16 MB each) and the workspace take writes.
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/usr/local',
    '--remount-ro',
    '/',
    ...(options.seccompFd !== undefined ? ['--seccomp', String(options.seccompFd)] : []),
    '--chdir',
    sandboxPaths.workspace,
    '--',
    ...interpreter(language, tools, limits),
    `${sandboxPaths.source}/${sourceFileOf(language)}`,
  ];
  return { file: tools.prlimit, args: [...rlimits, '--', ...asUser, ...bwrap] };
}

function interpreter(language: CodeLanguage, tools: SandboxTools, limits: SandboxLimits): string[] {
  if (language === 'python') return [tools.python, '-I'];
  // V8's own heap limit under the memory limit, so a hog ends with V8's message rather than an abort.
  return [sandboxPaths.node, `--max-old-space-size=${Math.max(16, Math.floor((limits.memoryBytes / 1024 / 1024) * 0.75))}`];
}
