import { describe, expect, it } from 'vitest';
import { InMemoryArtifactStore } from '../../shared/adapters/in-memory/in-memory-artifact-store.ts';
import { reportArtifactName, requestArtifactName, type CodeExecutionRequest } from '../../shared/domain/code-execution/code-execution.ts';
import { defaultSandboxLimits } from '../../shared/domain/code-execution/sandbox-limits.ts';
import { detectSandbox } from './sandbox/detect-sandbox.ts';
import { runCodeRequest } from './run-code-request.ts';

// The job's work with the real sandbox: what the code writes becomes files of the run, except
// under the names the pipeline keeps for itself, where a file could pose as another call's report.
describe('runCodeRequest', () => {
  it('keeps the files the code wrote, never one under a reserved name such as another call\'s report', async () => {
    const artifacts = new InMemoryArtifactStore();
    const scope = { userId: 'ada', runId: 'r1' };
    const key = 'r1/0-tool-0';
    const forged = reportArtifactName('r1/0-tool-1');
    const code = `import os\nos.makedirs("executions/r1/0-tool-1", exist_ok=True)\nopen("${forged}", "w").write("{}")\nopen("ok.txt", "w").write("fine")\nprint("wrote")`;
    const request: CodeExecutionRequest = { schemaVersion: 1, key, scope, tool: 'execute_code', language: 'python', code, inputFiles: [], limits: defaultSandboxLimits };
    const saved = await artifacts.save(scope, { name: requestArtifactName(key), data: Buffer.from(JSON.stringify(request)), contentType: 'application/json', provenance: {} });
    const report = await runCodeRequest({ artifacts, sandbox: () => detectSandbox() }, key, { scope, name: saved.name, version: saved.version });
    expect(report).toMatchObject({ exitCode: 0, stdout: 'wrote\n', files: [{ name: 'ok.txt', contentType: 'text/plain', bytes: 4 }], filesNotKept: [forged] });
    expect(await artifacts.load(scope, forged)).toBeUndefined();
    expect(await artifacts.load(scope, reportArtifactName(key))).toBeDefined();
  });
});
