import type { ArtifactScope } from '../../domain/artifacts/artifact.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { codeExecutionReportSchema, reportArtifactName, type CodeExecutionReport } from '../../domain/code-execution/code-execution.ts';
import { describeIssues } from '../../domain/describe-issues.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { ArtifactPart, ToolResult } from '../tool.ts';

/** Images the model is shown, of the types Gemini reads, at most this many per call and this large each. */
const shownImageTypes = new Set(['image/png', 'image/jpeg', 'image/webp']);
const maxShownImages = 4;
const maxShownImageBytes = 5 * 1024 * 1024;
/** The longest wall time any execution may be given (sandbox-limits.ts). */
const maxExecutionMs = 3_600_000;

/**
 * The call's report, when the job saved one, validated like any other input (docs/architecture.md,
 * "Code execution"): a report that is not one, or is another call's, is a report of failure.
 */
export async function readReport(artifacts: ArtifactStore, scope: ArtifactScope, key: string): Promise<CodeExecutionReport | undefined> {
  const stored = await artifacts.load(scope, reportArtifactName(key));
  if (!stored) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(stored.data.toString('utf8'));
  } catch {
    return invalid(key, 'it is not JSON');
  }
  const parsed = codeExecutionReportSchema.safeParse(json);
  if (!parsed.success) return invalid(key, describeIssues(parsed.error.issues));
  if (parsed.data.key !== key) return invalid(key, `it is for ${parsed.data.key}`);
  return parsed.data;
}

/**
 * What the model sees of a report: the streams, the exit, the limit hit and the files, with the
 * images among them shown as parts; its duration counts as compute. Each file is described by the
 * artifact store, not by the report: a file the report names that the store does not have at that
 * version, or that this call did not write (its provenance is another step's), is left out and
 * said so.
 */
export async function resultOfReport(artifacts: ArtifactStore, scope: ArtifactScope, report: CodeExecutionReport, call: { runId: string; stepId: string }): Promise<ToolResult> {
  if (report.failure !== undefined) return { response: { error: `The code could not be run: ${report.failure}` } };
  const { runId, stepId } = call;
  // One listing describes every file at its latest version; a file saved again since (a parallel call) is asked for by version.
  const latest = new Map((report.files.length > 0 ? await artifacts.list(scope) : []).map((stored) => [stored.name, stored]));
  const stored = await Promise.all(
    report.files.map(async ({ name, version }) => {
      const found =
        latest.get(name)?.version === version
          ? latest.get(name)
          : // A name no artifact can have (the report is input) is simply not one of them.
            await artifacts.metadata(scope, name, version).catch((error: unknown) => {
              if (error instanceof InvalidInputError) return undefined;
              throw error;
            });
      return found && found.provenance.runId === runId && found.provenance.stepId === stepId ? found : undefined;
    }),
  );
  const files = stored.filter((file) => file !== undefined);
  const missing = report.files.filter((_, index) => stored[index] === undefined).map((file) => file.name);
  const parts: ArtifactPart[] = files
    .filter((file) => shownImageTypes.has(file.contentType) && file.bytes <= maxShownImageBytes)
    .slice(0, maxShownImages)
    .map((file) => ({ name: file.name, version: file.version, contentType: file.contentType }));
  const response: Record<string, unknown> = {
    ...(report.exitCode !== undefined ? { exit_code: report.exitCode } : {}),
    ...(report.signal !== undefined ? { signal: report.signal } : {}),
    ...(report.limitHit !== undefined ? { limit_hit: report.limitHit } : {}),
    stdout: report.stdout,
    stderr: report.stderr,
    ...(report.stdoutBytes > Buffer.byteLength(report.stdout) ? { stdout_truncated_from_bytes: report.stdoutBytes } : {}),
    ...(report.stderrBytes > Buffer.byteLength(report.stderr) ? { stderr_truncated_from_bytes: report.stderrBytes } : {}),
    duration_ms: Math.round(report.durationMs),
    files: files.map((file) => ({ name: file.name, version: file.version, content_type: file.contentType, bytes: file.bytes })),
    ...(report.filesNotKept.length > 0 ? { files_not_kept: report.filesNotKept.slice(0, 50) } : {}),
    ...(missing.length > 0 ? { files_missing: missing } : {}),
    ...(parts.length > 0 ? { images_shown: parts.map((part) => part.name) } : {}),
  };
  // The report's duration is its word: never more than the longest any execution may run.
  return { response, ...(parts.length > 0 ? { parts } : {}), computeSeconds: Math.min(Math.round(report.durationMs), maxExecutionMs) / 1000 };
}

function invalid(key: string, why: string): CodeExecutionReport {
  return { schemaVersion: 1, key, failure: `the job's report is not valid (${why.slice(0, 500)})`, stdout: '', stderr: '', stdoutBytes: 0, stderrBytes: 0, durationMs: 0, files: [], filesNotKept: [] };
}
