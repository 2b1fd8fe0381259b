import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  codeExecutionRequestSchema,
  isReservedArtifactName,
  maxOutputBytes,
  maxOutputFiles,
  reportArtifactName,
  type CodeExecutionReport,
  type CodeExecutionRequest,
  type OutputFile,
  type RequestPointer,
} from '../../shared/domain/code-execution/code-execution.ts';
import { checkArtifactName, type ArtifactScope } from '../../shared/domain/artifacts/artifact.ts';
import { contentTypeOfName } from '../../shared/domain/artifacts/content-types.ts';
import type { ArtifactStore } from '../../shared/ports/artifact-store.ts';
import { runSandboxed, type SandboxOutcome } from './sandbox/run-sandboxed.ts';
import type { SandboxTools } from './sandbox/sandbox-command.ts';
import { removeWorkspace, type WorkspaceFile } from './sandbox/workspace-files.ts';

export interface CodeJobDeps {
  artifacts: ArtifactStore;
  /** The sandbox's tools (`detectSandbox`); throws naming what the machine lacks. */
  sandbox: () => Promise<SandboxTools>;
}


/**
 * The code-exec job's work for one call (docs/architecture.md, "Code execution"): reads the
 * request the tool step saved, runs the code in the sandbox with the input files in its
 * workspace, keeps what the code wrote as artifacts of the call's scope, and saves the report
 * where the step looks for it. What the code did — fail, crash, hit a limit — is in the report; a
 * request that cannot be run (an input file missing, no sandbox) is a report with `failure`.
 * Throws only when nothing can be reported (the request or the store unreadable).
 */
export async function runCodeRequest(deps: CodeJobDeps, key: string, pointer: RequestPointer): Promise<CodeExecutionReport> {
  const stored = await deps.artifacts.load(pointer.scope, pointer.name, pointer.version);
  if (!stored) throw new Error(`The request ${pointer.name} version ${pointer.version} of ${key} does not exist`);
  const request = codeExecutionRequestSchema.parse(JSON.parse(stored.data.toString('utf8')));
  if (request.key !== key) throw new Error(`The request ${pointer.name} is for ${request.key}, not ${key}`);
  const report = await execute(deps, request).catch((error: unknown) => failureReport(request.key, (error as Error).message));
  await deps.artifacts.save(pointer.scope, {
    name: reportArtifactName(key),
    data: Buffer.from(JSON.stringify(report)),
    contentType: 'application/json',
    provenance: provenanceOf(request),
  });
  return report;
}

async function execute(deps: CodeJobDeps, request: CodeExecutionRequest): Promise<CodeExecutionReport> {
  const workspace = await mkdtemp(join(tmpdir(), 'agentline-workspace-'));
  try {
    for (const input of request.inputFiles) {
      const file = await deps.artifacts.load(request.scope, input.name, input.version);
      if (!file) return failureReport(request.key, `Input file ${input.name} (version ${input.version}) does not exist`);
      const path = join(workspace, checkArtifactName(input.name));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.data);
    }
    const outcome = await runSandboxed({ language: request.language, code: request.code, workspace, limits: request.limits }, await deps.sandbox());
    const kept = await keepFiles(deps.artifacts, request, workspace, outcome.files);
    return reportOf(request.key, outcome, kept);
  } finally {
    await removeWorkspace(workspace);
  }
}

/** The files the code wrote, saved as artifacts up to the count and byte limits; the rest named. */
async function keepFiles(artifacts: ArtifactStore, request: CodeExecutionRequest, workspace: string, files: WorkspaceFile[]): Promise<{ files: OutputFile[]; notKept: string[] }> {
  const kept: OutputFile[] = [];
  const notKept: string[] = [];
  let bytes = 0;
  const scope: ArtifactScope = request.scope;
  for (const file of files) {
    const data = kept.length < maxOutputFiles && bytes + file.bytes <= maxOutputBytes ? await readRegularFile(join(workspace, file.path)) : undefined;
    // A reserved name (executions/…) could pose as a later call's report: never kept.
    if (!data || !isArtifactName(file.path) || isReservedArtifactName(file.path)) {
      notKept.push(file.path);
      continue;
    }
    bytes += data.length;
    const contentType = contentTypeOfName(file.path);
    const saved = await artifacts.save(scope, { name: file.path, data, contentType, provenance: provenanceOf(request) });
    kept.push({ name: saved.name, version: saved.version, contentType: saved.contentType, bytes: saved.bytes, sha256: saved.sha256 });
  }
  return { files: kept, notKept: notKept.slice(0, 1_000) };
}

/** The file's bytes, opened without following a link; undefined when it is not a regular file any more. */
async function readRegularFile(path: string): Promise<Buffer | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!handle) return undefined;
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function isArtifactName(name: string): boolean {
  try {
    checkArtifactName(name);
    return true;
  } catch {
    return false;
  }
}

function reportOf(key: string, outcome: SandboxOutcome, kept: { files: OutputFile[]; notKept: string[] }): CodeExecutionReport {
  return {
    schemaVersion: 1,
    key,
    ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
    ...(outcome.signal !== undefined ? { signal: outcome.signal } : {}),
    ...(outcome.limitHit !== undefined ? { limitHit: outcome.limitHit } : {}),
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    stdoutBytes: outcome.stdoutBytes,
    stderrBytes: outcome.stderrBytes,
    durationMs: outcome.durationMs,
    files: kept.files,
    filesNotKept: kept.notKept,
  };
}

function failureReport(key: string, failure: string): CodeExecutionReport {
  return { schemaVersion: 1, key, failure: failure.slice(0, 4_000), stdout: '', stderr: '', stdoutBytes: 0, stderrBytes: 0, durationMs: 0, files: [], filesNotKept: [] };
}

function provenanceOf(request: CodeExecutionRequest) {
  const stepId = request.key.slice(request.key.indexOf('/') + 1);
  return { runId: request.scope.runId, stepId, tool: request.tool };
}
