import { z } from 'zod';
import { parseModelQuotas } from '../domain/quota/model-quotas.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { describeIssues } from '../domain/describe-issues.ts';
import { isValidParent } from '../domain/agents/agent-name.ts';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const positiveNumber = (fallback: number) => z.coerce.number().positive().default(fallback);

// Absent variables get a message naming the condition; present but malformed ones keep their own.
const requiredForCloudTasks = (issue: { input: unknown }) =>
  issue.input === undefined ? 'required when AGENTLINE_DELAY_QUEUE=cloud-tasks' : undefined;

/**
 * Where delayed steps wait: timers in this process (`local`, the default) or Cloud Tasks, which
 * needs the queue's full path and the service account whose token publishes the delayed message.
 */
const delayQueueSchema = z.discriminatedUnion(
  'AGENTLINE_DELAY_QUEUE',
  [
    z.object({ AGENTLINE_DELAY_QUEUE: z.literal('local').default('local') }),
    z.object({
      AGENTLINE_DELAY_QUEUE: z.literal('cloud-tasks'),
      AGENTLINE_TASKS_QUEUE: z
        .string({ error: requiredForCloudTasks })
        .regex(/^projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+$/, 'must be projects/PROJECT/locations/LOCATION/queues/QUEUE'),
      AGENTLINE_TASKS_SERVICE_ACCOUNT: z.email({ error: (issue) => requiredForCloudTasks(issue) ?? 'must be a service account email' }),
    }),
  ],
  { error: "must be 'local' or 'cloud-tasks'" },
);

/**
 * The pipeline's configuration from the environment, read once at start-up (model credentials
 * are read by @google/genai itself, as the SDK documents; the CLI's local-stack settings by
 * cli/dev-stack-file.ts).
 */
export const configSchema = z.object({
  GOOGLE_CLOUD_PROJECT: z.string().min(1).default('agentline-local'),
  FIRESTORE_DATABASE_ID: z.string().min(1).default('(default)'),
  AGENTLINE_MODEL_LEASE_SECONDS: positiveInt(120),
  AGENTLINE_TOOL_LEASE_SECONDS: positiveInt(60),
  AGENTLINE_MAX_MODEL_ATTEMPTS: positiveInt(6),
  /** Model requests of one step that may time out in a row before the run fails: hung models end runs in bounded time. */
  AGENTLINE_MAX_MODEL_TIMEOUTS: positiveInt(2),
  AGENTLINE_MAX_TOOL_ATTEMPTS: positiveInt(5),
  /** The longest a run may last (its default deadline, and the latest one a submission may give). */
  AGENTLINE_MAX_RUN_SECONDS: positiveNumber(7 * 86_400),
  /** How long run data is kept after its run could last (docs/architecture.md, "Retention"). */
  AGENTLINE_RETENTION_SECONDS: positiveNumber(30 * 86_400),
  /** The session history a run starts from: at most this many of the session's latest runs ... */
  AGENTLINE_SESSION_HISTORY_RUNS: positiveInt(20),
  /**
   * ... and of those, as many of the latest as fit in this many bytes of JSON. At most 4 MB: the
   * run's start writes them in one transaction, and a Firestore transaction holds at most 10 MiB.
   */
  AGENTLINE_SESSION_HISTORY_BYTES: z.coerce.number().int().positive().max(4_000_000, 'must be at most 4000000 (a run starts with its history in one Firestore transaction)').default(200_000),
  /** How overdue work must be before the sweeper re-drives it. */
  AGENTLINE_SWEEP_GRACE_SECONDS: positiveNumber(60),
  /** The most records of each kind one sweep handles. */
  AGENTLINE_SWEEP_BATCH: z.coerce.number().int().positive().max(500, 'must be at most 500 (writes per Firestore batch)').default(200),
  /** True only where Firestore has no TTL policies (the emulator): the sweeper deletes expired run data itself. */
  AGENTLINE_SWEEP_DELETES_EXPIRED: z.stringbool({ error: "must be 'true' or 'false'" }).default(false),
  AGENTLINE_RETRY_BASE_MS: positiveInt(1_000),
  AGENTLINE_RETRY_MAX_MS: positiveInt(60_000),
  AGENTLINE_LOG_LEVEL: z.enum(['info', 'warn', 'error', 'silent']).default('info'),
  /**
   * Outbound requests to user-given URLs (agent cards, A2A agents) refuse loopback unless this is
   * true: set by the local stack and tests, never in production.
   */
  AGENTLINE_OUTBOUND_ALLOW_LOOPBACK: z.stringbool({ error: "must be 'true' or 'false'" }).default(false),
  /** Time limit of one outbound request, body included. */
  AGENTLINE_OUTBOUND_TIMEOUT_SECONDS: positiveInt(30),
  /** Largest outbound response body accepted. */
  AGENTLINE_OUTBOUND_MAX_BYTES: positiveInt(4 * 1024 * 1024),
  /**
   * How the agents API identifies callers: `local` (HS256 tokens signed with
   * AGENTLINE_LOCAL_AUTH_SECRET; development and tests) or `google` (Google-signed ID tokens
   * whose audience is AGENTLINE_AUTH_AUDIENCE). The API checks that its settings are complete.
   */
  AGENTLINE_AUTH: z.enum(['local', 'google'], { error: "must be 'local' or 'google'" }).default('local'),
  AGENTLINE_LOCAL_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AGENTLINE_AUTH_AUDIENCE: z.string().min(1).optional(),
  /** Comma-separated user ids (local `sub`, or Google account emails) that administer every agent. */
  AGENTLINE_ADMINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0)),
  /**
   * Comma-separated engines (`projects/P/locations/L/collections/C/engines/E`) agents may be
   * created under. Unset: the local stack's engine with AGENTLINE_AUTH=local; required with google.
   */
  AGENTLINE_AGENT_PARENTS: z
    .string()
    .transform((list) => list.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0))
    .refine((parents) => parents.length > 0, 'must name at least one engine')
    .refine((parents) => parents.every(isValidParent), {
      error: (issue) => `must be engines of the form projects/P/locations/L/collections/C/engines/E; not ${(issue.input as string[]).filter((parent) => !isValidParent(parent)).join(', ')}`,
    })
    .optional(),
  /** The most agents one non-admin user may have at once. */
  AGENTLINE_MAX_AGENTS_PER_USER: positiveInt(100),
  /** Webhook triggers may name only this project's Secret Manager secrets whose id starts with this. */
  AGENTLINE_WEBHOOK_SECRET_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be letters, digits, _ or -').default('agentline-webhook-'),
  /** True only on the local stack: MCP toolsets may name stdio servers, processes the steps start (docs/architecture.md, "MCP toolsets"). */
  AGENTLINE_MCP_STDIO: z.stringbool({ error: "must be 'true' or 'false'" }).default(false),
  /** An OpenAPI or MCP toolset's authorization `…/authorizations/ID` reads this project's secret `<prefix>ID`. */
  AGENTLINE_TOOL_SECRET_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be letters, digits, _ or -').default('agentline-tool-'),
  /**
   * Where schedules' Cloud Scheduler jobs live (`projects/P/locations/L`); required with
   * AGENTLINE_AUTH=google (the local stack keeps its jobs in its own Firestore).
   */
  AGENTLINE_SCHEDULER_LOCATION: z.string().regex(/^projects\/[^/]+\/locations\/[^/]+$/, 'must be projects/PROJECT/locations/LOCATION').optional(),
  /** The Cloud Storage buckets batches may read JSON Lines items from (comma-separated); the fan-out's account is granted exactly these. */
  AGENTLINE_BATCH_BUCKETS: z
    .string()
    .transform((list) => list.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0))
    .refine((buckets) => buckets.every((bucket) => /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket)), 'must be bucket names')
    .optional(),
  /**
   * Model quotas every run shares, as JSON per model: {"gemini-2.5-flash": {"rpm": 600, "tpm":
   * 1000000}} (docs/architecture.md, "Model quota"); none by default.
   */
  AGENTLINE_MODEL_QUOTAS: z
    .string()
    .superRefine((text, context) => {
      try {
        parseModelQuotas(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  /** Key of the list page tokens; every API instance must share it (default: the local auth secret). */
  AGENTLINE_PAGE_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * Master key of result callback signatures: each user's Standard Webhooks secret is derived from
   * it (callbackSecretFor). Read only by the callback function; required with AGENTLINE_AUTH=google,
   * locally derived from the local auth secret.
   */
  AGENTLINE_CALLBACK_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Time limit of one callback POST, response included. */
  AGENTLINE_CALLBACK_TIMEOUT_SECONDS: positiveNumber(10),
  /** Callback attempts at most, the first included. */
  AGENTLINE_CALLBACK_MAX_ATTEMPTS: positiveInt(12),
  /** No callback attempt starts later than this after the first. */
  AGENTLINE_CALLBACK_MAX_SECONDS: positiveNumber(3_600),
  /** Full-jitter backoff between callback attempts: below min(max, base · 2^(n-1)). */
  AGENTLINE_CALLBACK_RETRY_BASE_MS: positiveInt(5_000),
  AGENTLINE_CALLBACK_RETRY_MAX_MS: positiveInt(900_000),
  /**
   * Where artifacts are kept (docs/architecture.md, "Artifacts"): this Cloud Storage bucket
   * deployed, or — on the local stack — this folder. Without either, runs keep no files and
   * `execute_code` answers that it is not set up.
   */
  AGENTLINE_ARTIFACT_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, 'must be a bucket name').optional(),
  AGENTLINE_ARTIFACT_DIR: z.string().min(1).optional(),
  /**
   * The code-exec Cloud Run job (`projects/P/locations/L/jobs/J`) that `execute_code` launches;
   * unset, executions are detached processes of this machine recorded in AGENTLINE_CODE_EXEC_DIR
   * (the local stack's way).
   */
  AGENTLINE_CODE_EXEC_JOB: z.string().regex(/^projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+$/, 'must be projects/PROJECT/locations/LOCATION/jobs/JOB').optional(),
  AGENTLINE_CODE_EXEC_DIR: z.string().min(1).optional(),
  /** When a running execution is checked again if its wake is lost. */
  AGENTLINE_CODE_EXEC_RECHECK_SECONDS: positiveNumber(15),
  /**
   * Where `browse` runs (docs/architecture.md, "Browser"): `off` (the tool answers that it is not
   * set up), `chromium` (a headless Chromium this process starts: the local stack), or the https
   * URL of the browser service, called with an ID token (deployed).
   */
  AGENTLINE_BROWSER: z
    .union([z.enum(['off', 'chromium']), z.url({ protocol: /^https?$/, error: "must be 'off', 'chromium' or the browser service's URL" })])
    .default('off'),
  /**
   * Pages `browse` opens may reach loopback: only for tests that serve their pages there. Never on
   * by default, not even on the local stack (which allows loopback for the endpoints a user
   * configures): a page is untrusted code, and the developer's loopback holds the emulators.
   */
  AGENTLINE_BROWSER_ALLOW_LOOPBACK: z.stringbool({ error: "must be 'true' or 'false'" }).default(false),
}).and(delayQueueSchema);
export type Config = z.infer<typeof configSchema>;

/** Throws one InvalidInputError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse({ ...env, GOOGLE_CLOUD_PROJECT: env['GOOGLE_CLOUD_PROJECT'] ?? env['GCLOUD_PROJECT'] });
  if (!parsed.success) throw new InvalidInputError(`Invalid environment: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
