import { ExecutionsClient, JobsClient } from '@google-cloud/run';
import { Storage } from '@google-cloud/storage';
import { topicForOutbox } from '../../infra/topology.ts';
import { CloudRunCodeJobLauncher } from '../adapters/cloud-run/cloud-run-code-job-launcher.ts';
import { GcsArtifactStore } from '../adapters/cloud-storage/gcs-artifact-store.ts';
import { LocalArtifactStore } from '../adapters/local/local-artifact-store.ts';
import { LocalCodeJobLauncher } from '../adapters/local/local-code-job-launcher.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { CodeJobLauncher } from '../ports/code-job-launcher.ts';
import type { CodeExecutionSetup } from '../tools/execute-code/execute-code-tool.ts';
import type { Config } from './load-config.ts';

/** The artifact store the configuration names (a bucket, else a folder), if any; clients are built on first use. */
export function createArtifactStore(config: Config): ArtifactStore | undefined {
  if (config.AGENTLINE_ARTIFACT_BUCKET) {
    let storage: Storage | undefined;
    return new GcsArtifactStore(() => (storage ??= new Storage({ projectId: config.GOOGLE_CLOUD_PROJECT })), config.AGENTLINE_ARTIFACT_BUCKET);
  }
  return config.AGENTLINE_ARTIFACT_DIR ? new LocalArtifactStore(config.AGENTLINE_ARTIFACT_DIR) : undefined;
}

/**
 * Where `execute_code` runs (docs/architecture.md, "Code execution"): the Cloud Run job the
 * configuration names, else detached local processes recorded in AGENTLINE_CODE_EXEC_DIR; absent
 * without an artifact store or either of those.
 */
export function createCodeExecution(config: Config, artifacts: ArtifactStore | undefined, env: NodeJS.ProcessEnv): CodeExecutionSetup | undefined {
  if (!artifacts) return undefined;
  const launcher = createLauncher(config, env);
  if (!launcher) return undefined;
  return { launcher, artifacts, wakeTopic: topicForOutbox('tool'), recheckMs: config.AGENTLINE_CODE_EXEC_RECHECK_SECONDS * 1000 };
}

function createLauncher(config: Config, env: NodeJS.ProcessEnv): CodeJobLauncher | undefined {
  if (config.AGENTLINE_CODE_EXEC_JOB) {
    let jobs: JobsClient | undefined;
    let executions: ExecutionsClient | undefined;
    return new CloudRunCodeJobLauncher({ jobs: () => (jobs ??= new JobsClient()), executions: () => (executions ??= new ExecutionsClient()) }, config.AGENTLINE_CODE_EXEC_JOB);
  }
  // A local execution reads and writes the same folder of artifacts, and wakes the step on the same emulator.
  if (!config.AGENTLINE_CODE_EXEC_DIR || !config.AGENTLINE_ARTIFACT_DIR) return undefined;
  return new LocalCodeJobLauncher(config.AGENTLINE_CODE_EXEC_DIR, { ...env, GOOGLE_CLOUD_PROJECT: config.GOOGLE_CLOUD_PROJECT, AGENTLINE_ARTIFACT_DIR: config.AGENTLINE_ARTIFACT_DIR });
}
