import { z } from 'zod';
import { limitHits, sandboxLimitsSchema } from './sandbox-limits.ts';

/**
 * What passes between the tool step and the code-exec job (docs/architecture.md, "Code
 * execution"): the request the step saves before it launches the job, and the report the job
 * saves before it wakes the step. Both are artifacts of the run's scope, named by the call's key
 * (`<runId>/<stepId>`), so a session's runs never share one.
 */

export const codeLanguages = ['python', 'javascript'] as const;
export type CodeLanguage = (typeof codeLanguages)[number];

/** The most code one call may send (bytes of UTF-8). */
export const maxCodeBytes = 200_000;
/** The most input files one call may name. */
export const maxInputFiles = 20;

/** An artifact version, named exactly. */
export const artifactVersionRefSchema = z.strictObject({ name: z.string().min(1).max(1_024), version: z.number().int().nonnegative() });
export type ArtifactVersionRef = z.infer<typeof artifactVersionRefSchema>;

export const codeExecutionRequestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** The call's key (`<runId>/<stepId>`): the execution's name for it, and where its report goes. */
  key: z.string().regex(/^[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9_-]{1,256}$/, 'must be <runId>/<stepId>'),
  scope: z.strictObject({ userId: z.string().min(1), sessionId: z.string().min(1).optional(), runId: z.string().min(1) }),
  /** The tool's name, recorded as the provenance of the files the code writes. */
  tool: z.string().min(1),
  language: z.enum(codeLanguages),
  code: z.string().refine((code) => Buffer.byteLength(code) <= maxCodeBytes, `must be at most ${maxCodeBytes} bytes`),
  /** Artifacts of the scope copied into the workspace under their names. */
  inputFiles: z.array(artifactVersionRefSchema).max(maxInputFiles),
  limits: sandboxLimitsSchema,
});
export type CodeExecutionRequest = z.infer<typeof codeExecutionRequestSchema>;

/** The most files of one execution kept as artifacts, and their total bytes; the rest are counted, not kept. */
export const maxOutputFiles = 50;
export const maxOutputBytes = 64 * 1024 * 1024;

export const outputFileSchema = artifactVersionRefSchema.extend({
  contentType: z.string().max(255),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type OutputFile = z.infer<typeof outputFileSchema>;


/**
 * What the job reports. Everything in it came through the sandbox's boundary, so the tool step
 * validates it (this schema, the key, and every file against the artifact store) before the model
 * sees any of it.
 */
export const codeExecutionReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  key: z.string(),
  /** The job could not run the code (an input file missing, the sandbox unavailable): why. */
  failure: z.string().max(4_000).optional(),
  exitCode: z.number().int().optional(),
  signal: z.string().max(32).optional(),
  limitHit: z.enum(limitHits).optional(),
  stdout: z.string().max(4 * 1024 * 1024),
  stderr: z.string().max(4 * 1024 * 1024),
  stdoutBytes: z.number().int().nonnegative(),
  stderrBytes: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  files: z.array(outputFileSchema).max(maxOutputFiles),
  /** Files the code wrote past `maxOutputFiles` or `maxOutputBytes`: named, not kept. */
  filesNotKept: z.array(z.string().max(1_024)).max(1_000),
});
export type CodeExecutionReport = z.infer<typeof codeExecutionReportSchema>;

/**
 * Names the pipeline writes in a scope — code execution's requests and reports, tool results too
 * large to record — and no one else may: a file the code wrote, or a user uploaded, under one of
 * them could pose as a later call's report.
 */
export const reservedArtifactPrefixes = ['executions/', 'tool-results/', 'browser-sessions/'] as const;

export function isReservedArtifactName(name: string): boolean {
  return reservedArtifactPrefixes.some((prefix) => name.startsWith(prefix));
}

/**
 * Reserved names that are the pipeline's own records and no one's files: code execution's requests
 * and reports, and the browser's cookies and storage (a login's credentials). They are neither
 * listed nor downloaded through the API, nor given to executed code.
 */
const privateArtifactPrefixes = ['executions/', 'browser-sessions/'] as const;

export function isPrivateArtifactName(name: string): boolean {
  return privateArtifactPrefixes.some((prefix) => name.startsWith(prefix));
}

/** Where a call's request and report are kept in its scope. */
export function requestArtifactName(key: string): string {
  return `executions/${key}/request.json`;
}

export function reportArtifactName(key: string): string {
  return `executions/${key}/report.json`;
}

/** The environment variable naming the request artifact (JSON: its scope, name and version) of an execution. */
export const requestVariable = 'AGENTLINE_CODE_REQUEST';
/** The environment variable naming the topic the job wakes the step on. */
export const wakeTopicVariable = 'AGENTLINE_CODE_WAKE_TOPIC';

export const requestPointerSchema = z.strictObject({
  scope: codeExecutionRequestSchema.shape.scope,
  name: z.string(),
  version: z.number().int().nonnegative(),
});
export type RequestPointer = z.infer<typeof requestPointerSchema>;
