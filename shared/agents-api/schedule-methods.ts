import { parseAgentName } from '../domain/agents/agent-name.ts';
import type { AgentRecord } from '../domain/agents/agent-record.ts';
import type { Caller } from '../domain/agents/permissions.ts';
import { NotFoundError, PermissionDeniedError, ResourceExistsError } from '../domain/errors.ts';
import { checkRequestId } from '../domain/request-id.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import { toFireJson, type FireRecord } from '../domain/schedules/fire-record.ts';
import { applyScheduleUpdate, readScheduleBody, requireValidSchedule } from '../domain/schedules/schedule-fields.ts';
import { fireStart, runNowFireId, scheduleFireMessage, scheduleSyncMessage } from '../domain/schedules/schedule-messages.ts';
import { scheduleNames } from '../domain/schedules/schedule-name.ts';
import { toScheduleJson, type ScheduleRecord } from '../domain/schedules/schedule-record.ts';
import type { OutboxMessage } from '../domain/step.ts';
import type { AgentRegistryTransaction } from '../ports/agent-registry.ts';
import { authorizeAgentChildManagement, belongsTo, nextToken, readPage } from './agent-children.ts';
import type { ApiDeps } from './api-deps.ts';
import { publishAfterCommit } from './operation-methods.ts';

type Json = Record<string, unknown>;
type Deps = Pick<ApiDeps, 'registry' | 'clock' | 'newId' | 'pageTokens' | 'queue' | 'outbox' | 'logger' | 'batchPolicy'>;

/**
 * A schedule's runs are its creator's: only the creator changes what they are or starts one now,
 * so nobody — an admin included — starts runs as another user through a schedule they manage.
 */
function requireCreator(caller: Caller, schedule: ScheduleRecord, what: string): void {
  if (caller.userId === schedule.creator) return;
  throw new PermissionDeniedError(`Only ${schedule.name}'s creator may ${what}: its runs are the creator's (create a schedule of your own instead)`, { code: 'NOT_SCHEDULE_CREATOR', metadata: { schedule: schedule.name } });
}

function scheduleNotFound(name: string): NotFoundError {
  return new NotFoundError(`Schedule ${name} does not exist`, { code: 'SCHEDULE_NOT_FOUND', metadata: { schedule: name } });
}

/**
 * Runs `change` on the schedule `name` in one registry transaction, for a caller who may manage
 * it (permission before existence), writes what it returns with the outbox messages it asks for,
 * publishes them after the commit and answers the schedule.
 */
async function changeSchedule(
  deps: Deps,
  caller: Caller,
  name: string,
  change: (schedule: ScheduleRecord, tx: AgentRegistryTransaction) => Promise<{ schedule: ScheduleRecord | undefined; messages: OutboxMessage[]; answer: Json }>,
): Promise<Json> {
  const { agent } = scheduleNames.parse(name);
  const now = deps.clock.now();
  const outcome = await deps.registry.transact(async (tx) => {
    const agentRecord = await authorizeAgentChildManagement(deps, caller, agent, (agentName) => tx.getAgent(agentName));
    const schedule = await tx.getSchedule(name);
    if (!belongsTo(schedule, agentRecord)) throw scheduleNotFound(name);
    const changed = await change(schedule, tx);
    if (changed.schedule) tx.putSchedule(changed.schedule);
    else tx.deleteSchedule(name);
    for (const message of changed.messages) tx.putOutbox(outboxEntryOf(message, now));
    return changed;
  });
  await publishAfterCommit(deps, outcome.messages);
  return outcome.answer;
}

/** `create`: the caller becomes the schedule's creator, the user its runs are for; it fires from now on. */
export async function createSchedule(deps: Deps, caller: Caller, agent: string, scheduleId: string | undefined, body: unknown): Promise<Json> {
  parseAgentName(agent);
  if (scheduleId !== undefined) scheduleNames.assertValidId(scheduleId);
  const fields = requireValidSchedule(readScheduleBody(body, false), { ...deps, userId: caller.userId });
  const name = `${agent}/schedules/${scheduleId ?? `s${deps.newId().replace(/-/g, '').slice(0, 20)}`}`;
  const now = deps.clock.now();
  const record = await deps.registry.transact(async (tx) => {
    const agentRecord: AgentRecord = await authorizeAgentChildManagement(deps, caller, agent, (agentName) => tx.getAgent(agentName));
    const existing = await tx.getSchedule(name);
    if (existing && belongsTo(existing, agentRecord)) throw new ResourceExistsError(`Schedule ${name} already exists`, { code: 'SCHEDULE_ALREADY_EXISTS', metadata: { schedule: name } });
    const created: ScheduleRecord = { schemaVersion: 1, name, agent, creator: caller.userId, agentCreateTime: agentRecord.createTime, fields, state: 'ENABLED', cursorTime: now, createTime: now, updateTime: now };
    // A schedule a deleted agent left behind is replaced, never revived.
    if (existing) tx.putSchedule(created);
    else tx.createSchedule(created);
    tx.putOutbox(outboxEntryOf(scheduleSyncMessage(name, now), now));
    return created;
  });
  await publishAfterCommit(deps, [scheduleSyncMessage(name, now)]);
  return toScheduleJson(record, now);
}

export async function getSchedule(deps: Deps, caller: Caller, name: string): Promise<Json> {
  const { agent } = scheduleNames.parse(name);
  const agentRecord = await authorizeAgentChildManagement(deps, caller, agent);
  const schedule = await deps.registry.getSchedule(name);
  if (!belongsTo(schedule, agentRecord)) throw scheduleNotFound(name);
  return toScheduleJson(schedule, deps.clock.now());
}

export async function listSchedules(deps: Deps, caller: Caller, agent: string, query: Record<string, string | undefined>): Promise<Json> {
  parseAgentName(agent);
  const agentRecord = await authorizeAgentChildManagement(deps, caller, agent);
  const page = await readPage(deps, query, { agent, caller: caller.userId, list: 'schedules' }, (request) => deps.registry.listSchedules(agent, request));
  const now = deps.clock.now();
  return { schedules: page.items.filter((schedule) => belongsTo(schedule, agentRecord)).map((schedule) => toScheduleJson(schedule, now)), ...nextToken(page) };
}

/** `patch` (AIP-134) over the writable fields; the result must be a valid schedule. Its job follows. */
export async function patchSchedule(deps: Deps, caller: Caller, name: string, body: unknown, updateMask: string | undefined): Promise<Json> {
  const update = readScheduleBody(body, true);
  const now = deps.clock.now();
  return changeSchedule(deps, caller, name, async (schedule) => {
    const fields = applyScheduleUpdate(schedule.fields, update, updateMask);
    if (JSON.stringify([fields.run, fields.batch]) !== JSON.stringify([schedule.fields.run, schedule.fields.batch])) requireCreator(caller, schedule, 'change what it starts');
    const updated: ScheduleRecord = { ...schedule, fields: requireValidSchedule(fields, { ...deps, userId: schedule.creator }), updateTime: now };
    return { schedule: updated, messages: [scheduleSyncMessage(name, now)], answer: toScheduleJson(updated, now) };
  });
}

/** `delete`: the schedule stops at once (its job is removed after); its fire records expire on their own. Returns Empty. */
export async function deleteSchedule(deps: Deps, caller: Caller, name: string): Promise<Json> {
  const now = deps.clock.now();
  return changeSchedule(deps, caller, name, async () => ({ schedule: undefined, messages: [scheduleSyncMessage(name, now)], answer: {} }));
}

/** `pause`: no fire starts until `resume`; the fire times meanwhile are missed (the catch-up policy decides on resume). */
export async function pauseSchedule(deps: Deps, caller: Caller, name: string): Promise<Json> {
  const now = deps.clock.now();
  return changeSchedule(deps, caller, name, async (schedule) => {
    if (schedule.state === 'PAUSED') return { schedule, messages: [], answer: toScheduleJson(schedule, now) };
    const paused: ScheduleRecord = { ...schedule, state: 'PAUSED', pauseTime: now, updateTime: now };
    return { schedule: paused, messages: [scheduleSyncMessage(name, now)], answer: toScheduleJson(paused, now) };
  });
}

/** `resume`: fires again, and the fire times missed while paused are handled at once by the catch-up policy. */
export async function resumeSchedule(deps: Deps, caller: Caller, name: string): Promise<Json> {
  const now = deps.clock.now();
  return changeSchedule(deps, caller, name, async (schedule) => {
    if (schedule.state === 'ENABLED') return { schedule, messages: [], answer: toScheduleJson(schedule, now) };
    const { pauseTime: _pauseTime, ...rest } = schedule;
    const resumed: ScheduleRecord = { ...rest, state: 'ENABLED', updateTime: now };
    return { schedule: resumed, messages: [scheduleSyncMessage(name, now), scheduleFireMessage(name, now)], answer: toScheduleJson(resumed, now) };
  });
}

/**
 * `runNow`: one fire now, whatever the cron says and whether or not the schedule is paused (an
 * explicit request, so the overlap policy does not apply). With a requestId, repeating the request
 * answers the same fire and starts no second run. Answers the fire.
 */
export async function runScheduleNow(deps: Deps, caller: Caller, name: string, requestId: string | undefined): Promise<Json> {
  checkRequestId(requestId);
  const now = deps.clock.now();
  const id = runNowFireId(requestId ?? deps.newId());
  return changeSchedule(deps, caller, name, async (schedule, tx) => {
    requireCreator(caller, schedule, 'run it now');
    const existing = await tx.getFire(name, id);
    if (existing) return { schedule, messages: [], answer: toFireJson(existing) };
    const started = fireStart(schedule, id, now);
    const what = { ...(started.runName ? { runName: started.runName } : {}), ...(started.batchName ? { batchName: started.batchName } : {}) };
    const fire: FireRecord = { schemaVersion: 1, id, schedule: name, scheduledTime: now, kind: 'RUN_NOW', outcome: 'STARTED', ...what, createTime: now };
    tx.createFire(fire);
    return { schedule: { ...schedule, lastStarted: { scheduledTime: now, startTime: now, ...what } }, messages: [started.message], answer: toFireJson(fire) };
  });
}

/** `listFires`: the schedule's fires, newest first, with what each started or why it did not. */
export async function listFires(deps: Deps, caller: Caller, name: string, query: Record<string, string | undefined>): Promise<Json> {
  const { agent } = scheduleNames.parse(name);
  const agentRecord = await authorizeAgentChildManagement(deps, caller, agent);
  if (!belongsTo(await deps.registry.getSchedule(name), agentRecord)) throw scheduleNotFound(name);
  const page = await readPage(deps, query, { schedule: name, caller: caller.userId, list: 'fires' }, (request) => deps.registry.listFires(name, request));
  return { fires: page.items.map(toFireJson), ...nextToken(page) };
}
