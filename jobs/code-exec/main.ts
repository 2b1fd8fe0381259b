import { setTimeout as sleep } from 'node:timers/promises';
import { requestPointerSchema, requestVariable, wakeTopicVariable } from '../../shared/domain/code-execution/code-execution.ts';
import { stepMessage } from '../../shared/domain/step.ts';
import { executionKeyVariable } from '../../shared/ports/code-job-launcher.ts';
import type { ArtifactStore } from '../../shared/ports/artifact-store.ts';
import { detectSandbox } from './sandbox/detect-sandbox.ts';
import { runCodeRequest } from './run-code-request.ts';

/**
 * The code-exec job's entry point (docs/architecture.md, "Code execution"): one execution runs one
 * tool call. Deployed it is a Cloud Run job execution; on the local stack a detached process of
 * this file. Either way its environment names the call (`AGENTLINE_EXECUTION_KEY`), the request
 * artifact (`AGENTLINE_CODE_REQUEST`), the artifact store (`AGENTLINE_ARTIFACT_BUCKET`, or
 * `AGENTLINE_ARTIFACT_DIR` locally) and the tool step's topic, on which it wakes the step once
 * the report is saved. A lost wake costs only time: the step checks again on its own.
 */
const wakeTimeoutMs = 10_000;

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const key = required(env, executionKeyVariable);
  const pointer = requestPointerSchema.parse(JSON.parse(required(env, requestVariable)));
  const artifacts = await artifactStore(env);
  // The sandbox gets this process's own Node for JavaScript; it sees nothing else of it.
  const report = await runCodeRequest({ artifacts, sandbox: () => detectSandbox() }, key, pointer);
  process.stdout.write(`${JSON.stringify({ severity: 'INFO', message: 'code execution reported', key, exitCode: report.exitCode, limitHit: report.limitHit, failure: report.failure })}\n`);
  const topic = env[wakeTopicVariable];
  if (!topic) return;
  // Imported only when used: the client libraries are most of a local execution's start-up.
  const { PubSub } = await import('@google-cloud/pubsub');
  const pubsub = new PubSub({ projectId: env['GOOGLE_CLOUD_PROJECT'] });
  try {
    const [runId, stepId] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const published = pubsub.topic(topic).publishMessage({ json: { ...stepMessage(runId, stepId), wake: true }, attributes: { agentlineTopic: 'tool' } });
    // Pub/Sub gone (a local stack killed meanwhile) must not keep the job alive: the step checks
    // again by itself, and a restarted stack re-drives it.
    await Promise.race([published, sleep(wakeTimeoutMs).then(() => Promise.reject(new Error(`no answer from Pub/Sub in ${wakeTimeoutMs} ms`)))]);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ severity: 'WARNING', message: 'could not wake the tool step; it will check again by itself', key, error: String(error) })}\n`);
  } finally {
    await Promise.race([pubsub.close(), sleep(1_000)]);
  }
}

/** Cloud Storage deployed (AGENTLINE_ARTIFACT_BUCKET), the local stack's folder otherwise. */
async function artifactStore(env: NodeJS.ProcessEnv): Promise<ArtifactStore> {
  const bucket = env['AGENTLINE_ARTIFACT_BUCKET'];
  if (bucket) {
    const [{ Storage }, { GcsArtifactStore }] = await Promise.all([import('@google-cloud/storage'), import('../../shared/adapters/cloud-storage/gcs-artifact-store.ts')]);
    return new GcsArtifactStore(new Storage(), bucket);
  }
  const { LocalArtifactStore } = await import('../../shared/adapters/local/local-artifact-store.ts');
  return new LocalArtifactStore(required(env, 'AGENTLINE_ARTIFACT_DIR'));
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: the code-exec job runs only as launched by a tool step`);
  return value;
}

main(process.env).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ severity: 'ERROR', message: 'code execution failed', error: (error as Error).stack ?? String(error) })}\n`);
    process.exit(1);
  },
);
