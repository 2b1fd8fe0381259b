import { z } from 'zod';

/**
 * What one execution may use (docs/architecture.md, "Code execution"): every limit is set
 * explicitly, the same locally and in the job, and the one hit is reported. Kernel limits where the
 * kernel has one (CPU time, memory, processes, open files, file size); the rest are watched from
 * outside (wall time, output, the workspace's total size).
 */
export const sandboxLimitsSchema = z.strictObject({
  /** CPU seconds (RLIMIT_CPU): SIGXCPU past it. */
  cpuSeconds: z.number().int().min(1).max(3_600).default(30),
  /** Seconds from start to kill, whatever the code does. */
  wallSeconds: z.number().int().min(1).max(3_600).default(60),
  /** Writable memory (RLIMIT_DATA: heap and private mappings; address-space reservations do not count, so runtimes that reserve a lot still start). */
  memoryBytes: z.number().int().min(32 * 1024 * 1024).max(32 * 1024 ** 3).default(512 * 1024 * 1024),
  /** Processes and threads of the execution at once (RLIMIT_NPROC, for a user id of its own). */
  processes: z.number().int().min(4).max(4_096).default(64),
  /** Open files per process (RLIMIT_NOFILE). */
  openFiles: z.number().int().min(16).max(65_536).default(256),
  /** Largest file the code may write (RLIMIT_FSIZE: SIGXFSZ past it). */
  fileBytes: z.number().int().min(1_024).max(10 * 1024 ** 3).default(64 * 1024 * 1024),
  /** All the workspace's files together; the execution is stopped past it. */
  workspaceBytes: z.number().int().min(1_024).max(50 * 1024 ** 3).default(256 * 1024 * 1024),
  /** Bytes kept of stdout and of stderr each; the execution is stopped once either writes four times as much. */
  outputBytes: z.number().int().min(1_024).max(16 * 1024 * 1024).default(64 * 1024),
});
export type SandboxLimits = z.infer<typeof sandboxLimitsSchema>;

export const defaultSandboxLimits: SandboxLimits = sandboxLimitsSchema.parse({});

/** Which limit stopped an execution, when one did. */
export const limitHits = ['wall-time', 'cpu-time', 'memory', 'processes', 'file-size', 'workspace-size', 'output'] as const;
export type LimitHit = (typeof limitHits)[number];
