import type { ExecutionsClient, JobsClient } from '@google-cloud/run';
import { TransientError } from '../../domain/errors.ts';
import { executionKeyVariable, type CodeJobLauncher, type CodeJobState } from '../../ports/code-job-launcher.ts';

/** Executions created this long before `since` are still looked at: the two clocks may disagree. */
const clockSkewMs = 60_000;
/** Executions read at most when finding one (the newest first): past it, a lost execution is not found. */
const maxScanned = 2_000;

/**
 * CodeJobLauncher on Cloud Run jobs through `@google-cloud/run`: `runJob` with per-execution
 * container overrides (its environment: the call's key and request), executions found again by
 * that key in their task template, and an execution's state from its counts. Cloud Run's RunJob
 * takes no labels for one execution, so the environment is where the key can travel.
 */
export class CloudRunCodeJobLauncher implements CodeJobLauncher {
  readonly #jobs: () => JobsClient;
  readonly #executions: () => ExecutionsClient;
  readonly #job: string;

  /** `job` is `projects/P/locations/L/jobs/J`; the clients may be getters, built on first use. */
  constructor(clients: { jobs: JobsClient | (() => JobsClient); executions: ExecutionsClient | (() => ExecutionsClient) }, job: string) {
    const { jobs, executions } = clients;
    this.#jobs = typeof jobs === 'function' ? jobs : () => jobs;
    this.#executions = typeof executions === 'function' ? executions : () => executions;
    this.#job = job;
  }

  async launch(key: string, env: Record<string, string>): Promise<string> {
    const started = Date.now();
    const variables = [{ name: executionKeyVariable, value: key }, ...Object.entries(env).map(([name, value]) => ({ name, value }))];
    try {
      const [operation] = await this.#jobs().runJob({ name: this.#job, overrides: { containerOverrides: [{ env: variables }] } });
      const named = (operation.metadata as { name?: string } | null | undefined)?.name;
      if (named) return named;
    } catch (error) {
      throw cloudRunError(error, `starting ${this.#job}`);
    }
    // The operation's metadata names the execution; without it, the execution is found by its key.
    const found = await this.find(key, started);
    if (!found) throw new TransientError(`Cloud Run started ${this.#job} for ${key} but its execution cannot be found yet`, { code: 'EXECUTION_NOT_FOUND' });
    return found;
  }

  async find(key: string, since: number): Promise<string | undefined> {
    let scanned = 0;
    try {
      for await (const execution of this.#executions().listExecutionsAsync({ parent: this.#job }, { autoPaginate: false })) {
        if ((scanned += 1) > maxScanned) return undefined;
        const created = Number(execution.createTime?.seconds ?? 0) * 1000;
        if (created < since - clockSkewMs) continue;
        const env = execution.template?.containers?.[0]?.env ?? [];
        if (env.some((variable) => variable.name === executionKeyVariable && variable.value === key)) return execution.name ?? undefined;
      }
      return undefined;
    } catch (error) {
      throw cloudRunError(error, `listing the executions of ${this.#job}`);
    }
  }

  async state(execution: string): Promise<CodeJobState> {
    try {
      const [found] = await this.#executions().getExecution({ name: execution });
      if (!found.completionTime) return { kind: 'running' };
      return (found.succeededCount ?? 0) > 0 && (found.failedCount ?? 0) === 0 ? { kind: 'succeeded' } : { kind: 'failed' };
    } catch (error) {
      if ((error as { code?: unknown }).code === 5) return { kind: 'missing' };
      throw cloudRunError(error, `reading ${execution}`);
    }
  }

  async cancel(execution: string): Promise<void> {
    try {
      // The operation is not waited for: Cloud Run stops the tasks on its own time.
      await this.#executions().cancelExecution({ name: execution });
    } catch (error) {
      // NOT_FOUND: gone; FAILED_PRECONDITION: it has ended already.
      const code = (error as { code?: unknown }).code;
      if (code === 5 || code === 9) return;
      throw cloudRunError(error, `cancelling ${execution}`);
    }
  }
}

/** Cloud Run unavailable or throttled is transient; anything else (a bad job name, no permission) is not. */
function cloudRunError(error: unknown, doing: string): Error {
  const code = (error as { code?: unknown }).code;
  if (code === 14 || code === 8 || code === 4 || code === 13) return new TransientError(`Cloud Run failed ${doing}: ${(error as Error).message}`, { code: 'CLOUD_RUN_UNAVAILABLE', cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
