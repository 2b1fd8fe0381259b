import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { detectSandbox } from '../jobs/code-exec/sandbox/detect-sandbox.ts';
import { runSandboxed } from '../jobs/code-exec/sandbox/run-sandboxed.ts';
import { defaultSandboxLimits } from '../shared/domain/code-execution/sandbox-limits.ts';
import type { CodeLanguage } from '../jobs/code-exec/sandbox/sandbox-command.ts';
import { median } from './stats.ts';

const run = promisify(execFile);

export interface CodeExecFigures {
  language: CodeLanguage;
  /** The first sandboxed execution of the process (nothing of the runtime in the page cache from an earlier one, as far as this process can tell), ms. */
  coldMs: number;
  /** Median of the later sandboxed executions, ms. */
  warmMs: number;
  /** Median of the same code run directly (no sandbox, no limits), ms. */
  directMs: number;
  samples: number;
}

/**
 * The code-execution section of `npm run bench`: a small program (sum a list, print the result)
 * run in the sandbox — first once (cold), then `samples` times (warm) — and run directly by the
 * same interpreter, interleaved so both see the same machine. The difference is what the sandbox
 * costs per call: namespaces, limits, the workspace listing.
 */
export async function measureCodeExec(language: CodeLanguage, samples: number): Promise<CodeExecFigures> {
  const tools = await detectSandbox();
  const code = language === 'python' ? 'print(sum(range(1000)))' : 'console.log([...Array(1000).keys()].reduce((a, b) => a + b, 0))';
  const interpreter = language === 'python' ? [tools.python, ['-I', '-c', code]] : [tools.node, ['-e', code]];
  const sandboxed = async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'agentline-bench-exec-'));
    try {
      const started = performance.now();
      const outcome = await runSandboxed({ language, code, workspace, limits: defaultSandboxLimits }, tools);
      if (outcome.stdout.trim() !== '499500') throw new Error(`sandboxed ${language} printed ${JSON.stringify(outcome.stdout)} (${outcome.stderr})`);
      return performance.now() - started;
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  };
  const direct = async () => {
    const started = performance.now();
    const { stdout } = await run(interpreter[0] as string, interpreter[1] as string[]);
    if (stdout.trim() !== '499500') throw new Error(`direct ${language} printed ${JSON.stringify(stdout)}`);
    return performance.now() - started;
  };
  const coldMs = await sandboxed();
  const warm: number[] = [];
  const directSamples: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    warm.push(await sandboxed());
    directSamples.push(await direct());
  }
  return { language, coldMs, warmMs: median(warm), directMs: median(directSamples), samples };
}
