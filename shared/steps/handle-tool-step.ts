import { NotFoundError } from '../domain/errors.ts';
import { isTerminal } from '../domain/run.ts';
import type { Step, ToolIntent } from '../domain/step.ts';
import { isStepFinished, toolCallKeyOf } from '../domain/step.ts';
import { executeToolCall, unknownToolResult } from '../tools/execute-tool-call.ts';
import type { Tool } from '../tools/tool.ts';
import { subAgentByToolName } from '../tools/sub-agent-tool.ts';
import { functionsOfAgent, toolsOfAgent } from './build-model-request.ts';
import { decodeStepMessage, type Delivery } from './delivery.ts';
import { releaseAttempt } from './commit-step.ts';
import { commitToolResult } from './commit-tool-result.ts';
import { joinToolCalls } from './join-tool-calls.ts';
import { callSubAgent } from './sub-agent-call.ts';
import type { Deps } from './step-deps.ts';
import { awaitRemoteTask, awaitRetryTime, isBeforeRetryTime } from './step-retry.ts';
import { assertLeaseFree, claimAttempt } from './step-lease.ts';

type ToolDeps = Pick<Deps, 'store' | 'queue' | 'delayQueue' | 'remoteAgents' | 'clock' | 'tools' | 'logger' | 'settings'>;

/**
 * One tool call of a turn: a built-in tool, or a registered A2A sub-agent called as a tool
 * (whose unfinished task makes the step wait and be followed again, as a remote model step
 * does). Parallel calls each claim and commit only their own step document (no write to the run
 * document, so they never contend); the last to finish commits its result and the turn's join
 * together (`commitToolResult`).
 */
export function createToolStepHandler(deps: ToolDeps) {
  return async function handleToolStep(delivery: Delivery): Promise<void> {
    const message = decodeStepMessage(delivery);
    const run = await deps.store.getRun(message.runId);
    if (!run) throw new NotFoundError(`Run ${message.runId} does not exist`);

    const agentTools = toolsOfAgent(run, deps.tools);
    const toolFor = (step: Step) => agentTools.find((candidate) => candidate.name === step.input!.functionCall.name);

    const claim = await deps.store.transact(async (tx) => {
      const step = await tx.getStep(message.runId, message.stepId);
      if (!step?.input) throw new NotFoundError(`Tool step ${message.stepId} of run ${message.runId} does not exist`);
      if (isStepFinished(step)) return { kind: 'finished' as const, step };
      if (isTerminal(run.state) || run.state === 'WAITING') return undefined;
      const now = deps.clock.now();
      assertLeaseFree(step, now);
      if (isBeforeRetryTime(step, now)) return { kind: 'waiting' as const, step };
      const claimed = withIntent(claimAttempt(step, now, deps.settings.leaseMs.tool), toolFor(step), now);
      tx.putStep(claimed);
      // The intent read before this claim: an earlier attempt committed it and may have acted.
      return { kind: 'claimed' as const, step: claimed, priorIntent: step.intent !== undefined };
    });
    if (!claim) return;
    if (claim.kind === 'finished') return joinToolCalls(deps, claim.step);
    if (claim.kind === 'waiting') return awaitRetryTime(deps, claim.step);

    const step = claim.step;
    const call = step.input!.functionCall;
    const tool = toolFor(step);
    const subAgent = subAgentByToolName(run, call.name);
    const started = deps.clock.now();
    let response: Record<string, unknown>;
    try {
      if (subAgent) {
        const outcome = await callSubAgent(deps, run, step, subAgent, call.args ?? {});
        if (outcome.kind === 'pending') return awaitRemoteTask(deps, step, outcome);
        response = outcome.response;
      } else if (tool) {
        const context = {
          runId: run.runId,
          stepId: step.stepId,
          attempt: step.attempt,
          idempotencyKey: toolCallKeyOf(run.runId, step.stepId),
          deadline: step.leaseExpireTime!,
          now: () => deps.clock.now(),
        };
        response = await executeToolCall(tool, call.args ?? {}, context, claim.priorIntent);
      } else {
        response = unknownToolResult(call.name, functionsOfAgent(run, deps.tools));
      }
    } catch (error) {
      await releaseAttempt(deps, step, error);
      throw error;
    }
    const durationMs = deps.clock.now() - started;
    deps.logger.info('tool call finished', { runId: run.runId, stepId: step.stepId, tool: call.name, durationMs });

    await commitToolResult(deps, step, { response, durationMs });
  };
}

/**
 * The claimed step with the intent record of a non-repeatable tool, written in the claim (so it
 * is committed before the effect starts) and only once: a retry keeps the first intent.
 */
function withIntent(claimed: Step, tool: Tool | undefined, now: number): Step {
  if (!tool || tool.repeatable || claimed.intent) return claimed;
  const intent: ToolIntent = { key: toolCallKeyOf(claimed.runId, claimed.stepId), attempt: claimed.attempt, createTime: now };
  return { ...claimed, intent };
}
