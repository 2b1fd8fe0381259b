import { z } from 'zod';
import permissionsJson from './function-permissions.json' with { type: 'json' };
import { topology as deployedTopology, type Topology } from './topology.ts';

/** Secrets a function may declare; the Gemini API key is not one: it comes with `callsModel` (secrets.tf). */
export const declarableSecrets = ['page-token-key', 'callback-signing-key'] as const;

const functionPermissionsSchema = z.strictObject({
  /** Topics its account may publish to (full topic names from topology.json). */
  publishes: z.array(z.string()),
  /** May enqueue delayed messages of its own (steps, callbacks) on the delay queue, as the invoker. */
  delaysSteps: z.boolean(),
  /** May call the model: roles/aiplatform.user with Vertex AI, else the Gemini API key secret. */
  callsModel: z.boolean(),
  /** May create, update, pause and delete Cloud Scheduler jobs (schedules' jobs): roles/cloudscheduler.admin. */
  managesSchedulerJobs: z.boolean(),
  /** Runs' files in the artifact bucket: read (roles/storage.objectViewer on it), or read and created (and objectCreator). */
  artifacts: z.enum(['none', 'read', 'readAndCreate']),
  /** Starts, watches and cancels executions of the code-exec job: roles/run.jobsExecutorWithOverrides ("execute and cancel … with overrides") and roles/run.viewer on it. */
  launchesCodeJobs: z.boolean(),
  /** Calls the browser service (`browse`): roles/run.invoker on that Cloud Run service alone (iam.tf). */
  callsBrowser: z.boolean(),
  /** Reads OpenAPI toolsets' authorization secrets: roles/secretmanager.secretAccessor on this project's secrets named with the tool prefix (iam.tf). */
  readsToolSecrets: z.boolean(),
  /** Secret Manager secrets it reads, as secret environment variables. */
  secrets: z.array(z.enum(declarableSecrets, { error: 'must be page-token-key or callback-signing-key (the Gemini API key comes with callsModel)' })),
});
export type FunctionPermissions = z.infer<typeof functionPermissionsSchema>;

/**
 * infra/function-permissions.json: what each function's service account may do, by registered
 * name. Terraform makes every grant to a function from it (iam.tf, secrets.tf).
 */
export function loadFunctionPermissions(raw: unknown, topology: Topology = deployedTopology): Record<string, FunctionPermissions> {
  const topics = new Set(topology.topics);
  return z
    .strictObject({ schemaVersion: z.literal(1), functions: z.record(z.string(), functionPermissionsSchema) })
    .superRefine((document, context) => {
      for (const [name, permissions] of Object.entries(document.functions)) {
        permissions.publishes.forEach((topic, index) => {
          if (!topics.has(topic)) context.addIssue({ code: 'custom', message: `unknown topic ${topic}`, path: ['functions', name, 'publishes', index] });
        });
      }
    })
    .parse(raw).functions;
}

/** The checked-in declaration, validated once at import. */
export const functionPermissions = loadFunctionPermissions(permissionsJson);
