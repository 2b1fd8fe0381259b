import { callbackRefusal, type RunCallback } from '../domain/callback.ts';
import { userText, type Content } from '../domain/content.ts';
import { parseA2aAgentCard, remoteAgentVersion } from '../domain/a2a-agent-card.ts';
import { parseAgentConfigYaml, agentDefinitionVersion } from '../domain/agent-config.ts';
import { extendConversation } from '../domain/conversation-checkpoint.ts';
import { endRun } from '../domain/decide-next-steps.ts';
import { AgentlineError, InvalidInputError, PermissionDeniedError, UnauthenticatedError } from '../domain/errors.ts';
import type { Run, RunAgent, RunError, RunSubAgent } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import { parseRunConfig } from '../domain/run-config.ts';
import { newStep, stepIdOf, stepOutboxMessage } from '../domain/step.ts';
import { deriveRunId, runDeadlineOf, submissionSchema, type Submission } from '../domain/submission.ts';
import { authorizeRunStart } from './authorize-run-start.ts';
import { proveSubmitter, type Submitter, type SubmitterTrust } from './prove-submitter.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import { dispatchOutbox } from '../engine/dispatch-outbox.ts';
import { writeTransition } from '../engine/write-transition.ts';
import { resolveSubAgents } from './resolve-sub-agents.ts';
import { deployedMcp, deployedOpenApi, reservedNames, resolveInlineMcp, resolveInlineOpenApi, withMcp, withOpenApi } from './resolve-run-openapi.ts';
import type { Deps } from '../engine/deps.ts';

type SubmissionDeps = Pick<Deps, 'store' | 'outbox' | 'queue' | 'clock' | 'agents' | 'tools' | 'logger' | 'settings' | 'authenticator' | 'mcp'>;

/**
 * Starts a run from a submission. A message that cannot be read, or whose token fails, is
 * refused (the edge records a rejection); a readable one always becomes a run, FAILED with the
 * reason when its agent or RunConfig is invalid, or its registered agent may not run for the
 * submitter (permission or lifecycle state), or it names a session without a proven user, so the
 * submitter finds the outcome under the run id it expects. `trust` is the topic's (prove-submitter.ts).
 */
export function createSubmissionHandler(deps: SubmissionDeps, trust: SubmitterTrust = 'token') {
  return async function handleSubmission(delivery: Delivery): Promise<void> {
    const submission = decodeJsonMessage(delivery, submissionSchema, `Run submission on ${delivery.source}`);
    const submitter = await proveSubmitter(delivery, submission, { authenticator: deps.authenticator, trust, now: deps.clock.now() });
    const userId = submitter.userId;
    const runId = deriveRunId(
      { idempotencyKey: submission.idempotencyKey, userId, unprovenUserId: submitter.unprovenUserId, topic: trust === 'publisher' ? 'trusted' : 'tasks' },
      delivery.messageId,
    );
    const planStepId = stepIdOf(0, 'plan');
    const existing = await deps.store.getRun(runId);
    if (existing) return dispatchOutbox(deps, [stepOutboxMessage(runId, planStepId)], { repeat: true });

    const now = deps.clock.now();
    const deadline = runDeadlineOf(submission, now, deps.settings.maxRunMs);
    const callback = callbackOf(submission, submitter, deps.settings);
    const prepared = 'error' in deadline ? deadline : 'error' in callback ? callback : await prepareRun(submission, submitter, deps);
    const history = submission.sessionId && userId ? await deps.store.listSessionHistory(userId, submission.sessionId, deps.settings.sessionWindow) : [];
    const run: Run = {
      schemaVersion: 1,
      runId,
      ...('error' in prepared ? {} : { agent: prepared.agent, runConfig: prepared.runConfig }),
      state: 'QUEUED',
      input: submission.input,
      ...(submission.sessionId ? { sessionId: submission.sessionId } : {}),
      ...(userId ? { userId } : {}),
      turn: 0,
      next: { kind: 'model' },
      llmCallCount: 0,
      llmCallsSucceeded: 0,
      eventCount: history.length + 1,
      streamCount: 0,
      usage: {},
      ...('deadlineTime' in deadline ? { deadlineTime: deadline.deadlineTime } : {}),
      // Only the batch fan-out, a trusted publisher, makes a run a batch item.
      ...(submission.batch && trust === 'publisher' ? { batch: submission.batch } : {}),
      // A usable callback is kept even when the run cannot start: its failure is a result too.
      ...('callback' in callback && callback.callback ? { callback: callback.callback } : {}),
      createTime: now,
      updateTime: now,
    };

    const startEvents = 'error' in prepared ? [] : conversationStart(history, submission, prepared.runConfig, now);
    const start = 'error' in prepared ? prepared : extendConversation(runId, [], startEvents, now);

    const outbox = await deps.store.transact(async (tx) => {
      if (await tx.getRun(runId)) return { messages: [stepOutboxMessage(runId, planStepId)], repeat: true };
      if ('error' in start) {
        const failed = endRun({ ...run, state: 'FAILED', error: start.error }, now);
        writeTransition(tx, undefined, failed, now, { createRun: true });
        return { messages: failed.outbox, repeat: false };
      }
      tx.createRun(run);
      // The events themselves: a start too large for the checkpoint leaves it empty (`inEvents`).
      tx.putEvents(runId, startEvents);
      tx.putConversation(start.checkpoint);
      tx.createStep(newStep(runId, planStepId, now));
      return { messages: [stepOutboxMessage(runId, planStepId)], repeat: false };
    });
    deps.logger.info('run submitted', { runId, failed: 'error' in start });
    await dispatchOutbox(deps, outbox.messages, { repeat: outbox.repeat });
  };
}

/**
 * The submission's callback if this deployment may call it for this submitter: a proven user's
 * (whose derived secret signs it), at an https URL unless plain http is allowed here. Otherwise
 * the error the run fails with, and the run keeps no callback.
 */
function callbackOf(submission: Submission, submitter: Submitter, settings: SubmissionDeps['settings']): { callback?: RunCallback } | { error: RunError } {
  if (!submission.callback) return {};
  if (!submitter.userId) {
    const error = new UnauthenticatedError('A callback needs a proven user: its deliveries are signed with that user\'s callback secret');
    return { error: { code: error.code, message: error.message + unprovenUserHint(submitter, error) } };
  }
  const refusal = callbackRefusal(submission.callback, settings.callback);
  return refusal ? { error: { code: 'INVALID_ARGUMENT', message: refusal } } : { callback: submission.callback };
}

async function prepareRun(
  submission: Submission,
  submitter: Submitter,
  deps: SubmissionDeps,
): Promise<{ agent: RunAgent; runConfig: Run['runConfig'] } | { error: RunError }> {
  try {
    if (submission.sessionId && !submitter.userId) {
      throw new UnauthenticatedError(`Session ${submission.sessionId} cannot be used by an anonymous run: a session belongs to a proven user`);
    }
    const runConfig = parseRunConfig(submission.runConfig ?? {}, {
      onWarning: (warning) => deps.logger.warn(warning),
    });
    const agent = await resolveAgent(submission, submitter.userId, deps);
    return { agent, runConfig };
  } catch (error) {
    if (error instanceof AgentlineError && !error.retryable) return { error: { code: error.code, message: error.message + unprovenUserHint(submitter, error) } };
    throw error;
  }
}

/** Why a run that named a user is anonymous: said where being anonymous is what refused it. */
function unprovenUserHint(submitter: Submitter, error: AgentlineError): string {
  if (submitter.unprovenUserId === undefined || !(error instanceof PermissionDeniedError || error instanceof UnauthenticatedError)) return '';
  return ` (the submission names user ${submitter.unprovenUserId} without proof, so the run is anonymous: send "Bearer <token>" in the message's authorization attribute)`;
}

async function resolveAgent(submission: Submission, userId: string | undefined, deps: SubmissionDeps): Promise<RunAgent> {
  const availableTools = deps.tools.map((tool) => tool.name);
  if ('configYaml' in submission.agent) {
    const fileName = submission.agent.fileName ?? 'agent.yaml';
    const definition = parseAgentConfigYaml(submission.agent.configYaml, { fileName, availableTools });
    const openApiOperations = await resolveInlineOpenApi(definition, { fileName, userId, availableTools }, deps.agents);
    const mcpTools = await resolveInlineMcp(definition, { fileName, userId, reservedNames: reservedNames(availableTools, openApiOperations) }, deps.agents, deps.mcp);
    const subAgents = await resolveSubAgents(deps.agents, definition, userId, reservedNames(availableTools, openApiOperations, mcpTools));
    return { name: definition.name, version: agentDefinitionVersion(definition), definition, ...withSubAgents(subAgents), ...withOpenApi(openApiOperations), ...withMcp(mcpTools) };
  }
  const registered = await authorizeRunStart(deps.agents, submission.agent.name, userId);
  if (registered.definition.kind === 'a2a') {
    // The card was validated at deploy; it is validated again so a run only ever snapshots a
    // card this version of agentline can call.
    const remoteAgent = parseA2aAgentCard(registered.definition.agentCard, `agent card of ${registered.name}`);
    return { name: registered.name, version: remoteAgentVersion(remoteAgent), remoteAgent, registered: true };
  }
  if (registered.definition.kind === 'unsupported') {
    // Never deployable, so never ENABLED; kept for a document written by hand.
    throw new InvalidInputError(`Agent ${registered.name} has a ${registered.definition.definitionType}, which agentline cannot run`);
  }
  const definition = parseAgentConfigYaml(registered.definition.configYaml, { fileName: registered.name, availableTools });
  const openApiOperations = deployedOpenApi(registered.name, definition, registered.definition.openApiOperations);
  const mcpTools = deployedMcp(registered.name, definition, registered.definition.mcpTools);
  const subAgents = await resolveSubAgents(deps.agents, definition, userId, reservedNames(availableTools, openApiOperations, mcpTools));
  return { name: registered.name, version: agentDefinitionVersion(definition), definition, ...withSubAgents(subAgents), ...withOpenApi(openApiOperations), ...withMcp(mcpTools), registered: true };
}

function withSubAgents(subAgents: RunSubAgent[]): Pick<RunAgent, 'subAgents'> {
  return subAgents.length > 0 ? { subAgents } : {};
}

function conversationStart(history: Content[], submission: Submission, runConfig: Run['runConfig'], now: number): RunEvent[] {
  const fromSession = history.map(
    (content, seq): RunEvent => ({ schemaVersion: 1, seq, origin: 'session', content, createTime: now }),
  );
  const content = userText(submission.input);
  // Input files are references the model step reads into the request (steps/artifact-parts.ts);
  // with save_input_blobs_as_artifacts the model gets ADK's note naming each instead.
  for (const file of submission.inputFiles ?? []) {
    content.parts.push(runConfig?.saveInputBlobsAsArtifacts ? { text: `Uploaded file: ${file.name}. It is saved into artifacts` } : { artifact: file });
  }
  return [...fromSession, { schemaVersion: 1, seq: history.length, origin: 'run', content, createTime: now }];
}
