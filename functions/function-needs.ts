import { stepKinds, type OutboxTopic } from '../shared/domain/step.ts';
import type { FunctionName } from '../shared/wiring/create-step-handlers.ts';
import type { apiFunctionNames, apiServiceName } from './register-api-functions.ts';
import type { callbackFunctionNames } from './register-callback-function.ts';

/** A secret a function reads from Secret Manager, by its name in infra/function-permissions.json. */
export type SecretName = 'page-token-key' | 'callback-signing-key';

/** What one deployed function's code uses besides Firestore, which every function uses. */
/**
 * What a function does with runs' files: the model step only reads the files a conversation shows;
 * the tool step and the API also create them (outputs, reports, input files). Versions are
 * create-only, so no function replaces or deletes one.
 */
export type ArtifactAccess = 'none' | 'read' | 'readAndCreate';

export interface FunctionNeeds {
  /** The outbox topics its handler can publish to (its own step topic again only through `delaysSteps`). */
  readonly publishes: readonly OutboxTopic[];
  /** Schedules delayed redeliveries of its own messages (steps, callbacks) through the DelayQueue (Cloud Tasks, deployed). */
  readonly delaysSteps: boolean;
  /** Calls the model (the ModelClient: Gemini through an API key, or Vertex AI). */
  readonly callsModel: boolean;
  /** Creates, updates, pauses and deletes schedules' Cloud Scheduler jobs. */
  readonly managesSchedulerJobs: boolean;
  /** Runs' files (the ArtifactStore: the artifact bucket, deployed): none, read only, or read and created. */
  readonly artifacts: ArtifactAccess;
  /** Starts and watches executions of the code-exec job (the CodeJobLauncher). */
  readonly launchesCodeJobs: boolean;
  /** Calls the browser service (the BrowserService: a Cloud Run service deployed, invoked with an ID token). */
  readonly callsBrowser: boolean;
  /** Reads OpenAPI toolsets' authorization secrets (this project's secrets named with the tool prefix). */
  readonly readsToolSecrets: boolean;
  /** Secrets its composition root reads. */
  readonly secrets: readonly SecretName[];
}

function needs(publishes: readonly OutboxTopic[], uses: Partial<Omit<FunctionNeeds, 'publishes'>> = {}): FunctionNeeds {
  return { publishes, delaysSteps: false, callsModel: false, managesSchedulerJobs: false, artifacts: 'none', launchesCodeJobs: false, callsBrowser: false, readsToolSecrets: false, secrets: [], ...uses };
}

/**
 * What each deployed function's code uses, by registered name, as read from its handler's control
 * flow: every handler is built from the same `Deps`, so no type says which of them a function
 * touches. Kept by hand, with the code it follows named beside each entry;
 * infra/least-privilege.test.ts holds infra/function-permissions.json (what Terraform grants) to
 * exactly this table, and derives from the code what it can (which step kinds have an effect,
 * which code calls the model, what the sweeper re-publishes).
 */
/**
 * What every transition that ends a run publishes (decide-next-steps.ts, endRun): its outcome and,
 * if it names one, its callback, and if it is a batch item, the batch's next step.
 */
const ending = ['results', 'callback', 'batch-item'] as const;

export const functionNeeds = {
  // steps/handle-submission.ts: the run's first plan step, or the outcome of a run that cannot start.
  submitRun: needs(['plan', ...ending]),
  // The same handler, for the trusted submissions topic.
  submitTrustedRun: needs(['plan', ...ending]),
  // steps/plan-step.ts → decideNextSteps: the next model, tool or memory steps (a resumed run goes
  // on from its cursor), or the outcome (budget spent, agent deleted, deadline).
  planStep: needs(['model', 'tool', 'memory', ...ending]),
  // steps/model-step.ts: the model request (or a remote agent's task); the answer's tool calls or
  // the final memory step, or the outcome; retries and re-checks through the delay queue;
  // steps/artifact-parts.ts: the images function responses show, read from the artifact store.
  modelStep: needs(['tool', 'memory', ...ending], { delaysSteps: true, callsModel: true, artifacts: 'read' }),
  // steps/tool-step.ts, steps/tool-turn-join.ts: the next model step once the turn's calls have
  // joined, or the outcome; retries and remote-task re-checks through the delay queue;
  // tools/execute-code/: code execution's request and report (artifacts), and the job's executions;
  // tools/browse/browse-tool.ts: the browser service, through wiring/create-browser.ts;
  // tools/openapi/authorize-request.ts: the secrets of OpenAPI toolsets' authorizations.
  toolStep: needs(['model', ...ending], { delaysSteps: true, artifacts: 'readAndCreate', launchesCodeJobs: true, callsBrowser: true, readsToolSecrets: true }),
  // steps/memory-step.ts: ends the run SUCCEEDED.
  memoryStep: needs([...ending]),
  // steps/handle-dead-letter.ts: fails the run.
  deadLetter: needs([...ending]),
  // steps/handle-agent-lifecycle.ts: a parked run's resume plan step, or its failure.
  resumeAgentRuns: needs(['plan', ...ending]),
  // steps/handle-run-control.ts: ends the run CANCELLED.
  controlRun: needs([...ending]),
  // agents-api/operation-methods.ts: deploy requests and lifecycle announcements;
  // agents-api/run-methods.ts: runs for verified callers (trusted submissions) and cancellations;
  // agents-api/deliver-webhook.ts: the run a webhook trigger's delivery starts (through the outbox);
  // wiring/create-api-deps.ts: the page-token key of list responses.
  // agents-api/schedule-methods.ts: a schedule's job to bring in line (every change), a look at
  // the schedule now (resume: catch up), the run a run-now starts (all through the outbox);
  // batches/batch-methods.ts: a batch's first fan-out, the outcome (and callback) of a batch
  // cancelled while nothing of it ran, and its running items' cancellations;
  // agents-api/input-files.ts, agents-api/artifact-methods.ts: runs' input files saved, and runs' files listed and downloaded.
  agentsApi: needs(['agent-deploy', 'agent-lifecycle', 'run-control', 'trusted-submissions', 'schedule-fire', 'schedule-sync', 'batch-fan-out', 'results', 'callback'], { secrets: ['page-token-key'], artifacts: 'readAndCreate' }),
  // agents-api/handle-deploy.ts: announces an agent a deploy left runnable;
  // agents-api/resolve-deployed-mcp.ts: lists MCP toolsets' tools with their authorizations' secrets.
  deployAgent: needs(['agent-lifecycle'], { readsToolSecrets: true }),
  // engine/sweep.ts: re-drives steps of every kind and result callbacks, publishes the outbox
  // entries other functions left unpublished (webhook deliveries' submissions, a cancelled batch's
  // cancellations too), ends runs past their deadline.
  sweep: needs([...stepKinds, ...ending, 'agent-deploy', 'agent-lifecycle', 'trusted-submissions', 'schedule-fire', 'schedule-sync', 'batch-fan-out', 'run-control']),
  // agents-api/fire-schedule.ts: the runs, or the batches' first fan-outs, a schedule's fires start (through the outbox).
  // A schedule its agent's deletion left behind is removed, its job through the sync worker.
  fireSchedule: needs(['trusted-submissions', 'batch-fan-out', 'schedule-sync']),
  // agents-api/sync-schedule-job.ts: writes Cloud Scheduler jobs, publishes nothing.
  syncScheduleJob: needs([], { managesSchedulerJobs: true }),
  // batches/fan-out-batch.ts: the runs of the lanes it starts, the next chunk, the batch's outcome and callback.
  fanOutBatch: needs(['trusted-submissions', 'batch-fan-out', 'results', 'callback']),
  // batches/advance-batch.ts: a lane's next run, the batch's outcome and callback.
  advanceBatch: needs(['trusted-submissions', 'results', 'callback']),
  // steps/handle-callback.ts: POSTs through the guarded fetch, retries through the delay queue
  // (its own topic), signs with the key only it holds (wiring/create-callback-deps.ts).
  deliverCallback: needs([], { delaysSteps: true, secrets: ['callback-signing-key'] }),
} satisfies Record<FunctionName | (typeof apiFunctionNames)[number] | typeof apiServiceName | (typeof callbackFunctionNames)[number], FunctionNeeds>;
