import { z } from 'zod';

/**
 * How a stack and the guardian of its emulators talk (`emulator-guardian.ts`): the stack starts
 * the guardian with this configuration as its one argument; the guardian answers with one JSON
 * line on stdout; the stack writes `stop` on the guardian's stdin to stop the emulators, and its
 * stdin closing (the stack died) or a SIGTERM, SIGINT or SIGHUP makes the guardian save the data
 * first.
 */
export const guardianConfigSchema = z.strictObject({
  java: z.string(),
  pubsub: z.strictObject({ args: z.array(z.string()), port: z.number().int() }),
  firestore: z.strictObject({ args: z.array(z.string()), port: z.number().int() }),
  readyTimeoutMs: z.number().int().positive(),
  /**
   * How the JVMs are kept from outliving the guardian: `auto` uses the kernel's parent-death
   * signal where `setpriv` exists and the watchdog elsewhere; `watchdog` always uses the watchdog
   * (how tests exercise the macOS path on Linux).
   */
  orphanProtection: z.enum(['auto', 'watchdog']).default('auto'),
  /** Save Firestore's data here before stopping, when the stack that owns the emulators is gone. */
  saveOnOwnerLoss: z.strictObject({ projectId: z.string(), directory: z.string() }).optional(),
});
export type GuardianConfig = z.input<typeof guardianConfigSchema>;

/** What keeps the JVMs from outliving their guardian. */
export const orphanProtectionSchema = z.enum(['parent-death-signal', 'watchdog']);
export type OrphanProtection = z.infer<typeof orphanProtectionSchema>;

/** The guardian's one answer: the emulators' pids once both are ready, or why they could not start. */
export const guardianReportSchema = z.union([
  z.strictObject({
    ready: z.strictObject({ pubsub: z.number().int(), firestore: z.number().int(), watchdog: z.number().int().optional() }),
    protection: orphanProtectionSchema,
  }),
  z.strictObject({ failed: z.string() }),
]);
export type GuardianReport = z.infer<typeof guardianReportSchema>;

/** The line a stack writes to stop the emulators without saving (it saved them itself). */
export const stopCommand = 'stop';
