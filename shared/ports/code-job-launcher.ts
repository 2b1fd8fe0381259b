/** Where an execution of the code-exec job is. */
export type CodeJobState = { kind: 'running' } | { kind: 'succeeded' } | { kind: 'failed' } | { kind: 'missing' };

/**
 * Starts and watches executions of the code-exec job (docs/architecture.md, "Code execution"): a
 * Cloud Run job deployed. An execution's id is the server's choice, so the call that started it
 * names it by `key` in its environment, and a redelivered step that lost the answer finds it again
 * by that key instead of starting a second one.
 */
export interface CodeJobLauncher {
  /** Starts one execution, its container given `env` and the call's `key`; answers the execution's name. */
  launch(key: string, env: Record<string, string>): Promise<string>;
  /** The execution started for `key` at or after `since` (epoch ms), if any. */
  find(key: string, since: number): Promise<string | undefined>;
  state(execution: string): Promise<CodeJobState>;
  /**
   * Stops an execution whose result is no longer wanted (its run ended, its deadline passed), so
   * it neither spends compute nor writes files into a finished run. Done already or gone: nothing to do.
   */
  cancel(execution: string): Promise<void>;
}

/** The environment variable that names an execution's call. */
export const executionKeyVariable = 'AGENTLINE_EXECUTION_KEY';
