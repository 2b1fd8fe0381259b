import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalArtifactStore } from '../shared/adapters/local/local-artifact-store.ts';
import { LocalCodeJobLauncher } from '../shared/adapters/local/local-code-job-launcher.ts';
import { reportArtifactName, requestArtifactName, requestVariable, type CodeExecutionRequest } from '../shared/domain/code-execution/code-execution.ts';
import { defaultSandboxLimits } from '../shared/domain/code-execution/sandbox-limits.ts';
import { median } from './stats.ts';

export interface CodeJobFigures {
  /** The first execution of the process: launch to report, ms. */
  coldMs: number;
  /** Median of the later ones, ms. */
  warmMs: number;
  samples: number;
}

/**
 * A whole local execution of the code-exec job, as `execute_code` makes one on the local stack:
 * the request saved as an artifact, a detached job process launched, and the time until its report
 * is saved (polled every 5 ms). Beside the sandbox's own figures, the difference is what the job
 * adds per call: a Node process, its imports, the store's files. (No wake: that is one publish.)
 */
export async function measureCodeJob(samples: number): Promise<CodeJobFigures> {
  const folder = await mkdtemp(join(tmpdir(), 'agentline-bench-job-'));
  try {
    const artifacts = new LocalArtifactStore(join(folder, 'artifacts'));
    const launcher = new LocalCodeJobLauncher(join(folder, 'executions'), { ...process.env, AGENTLINE_ARTIFACT_DIR: join(folder, 'artifacts') });
    const scope = { userId: 'bench', runId: 'rbench' };
    let call = 0;
    const once = async () => {
      const key = `rbench/${call++}-tool-0`;
      const request: CodeExecutionRequest = { schemaVersion: 1, key, scope, tool: 'execute_code', language: 'python', code: 'print(sum(range(1000)))', inputFiles: [], limits: defaultSandboxLimits };
      const started = performance.now();
      const saved = await artifacts.save(scope, { name: requestArtifactName(key), data: Buffer.from(JSON.stringify(request)), contentType: 'application/json', provenance: {} });
      await launcher.launch(key, { [requestVariable]: JSON.stringify({ scope, name: saved.name, version: saved.version }) });
      for (;;) {
        const report = await artifacts.load(scope, reportArtifactName(key));
        if (report) {
          const parsed = JSON.parse(report.data.toString('utf8')) as { stdout: string; failure?: string };
          if (parsed.stdout.trim() !== '499500') throw new Error(`the job reported ${JSON.stringify(parsed)}`);
          return performance.now() - started;
        }
        if (performance.now() - started > 30_000) throw new Error(`the job for ${key} did not report within 30 s`);
        await sleep(5);
      }
    };
    const coldMs = await once();
    const warm: number[] = [];
    for (let sample = 0; sample < samples; sample++) warm.push(await once());
    return { coldMs, warmMs: median(warm), samples };
  } finally {
    // The last job's shell may still be writing its exit status: removal retries past that.
    await rm(folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
