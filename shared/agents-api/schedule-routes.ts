import type { ApiRoute } from './api-routes.ts';
import { requireEmptyBody } from './request-parameters.ts';
import { createSchedule, deleteSchedule, getSchedule, listFires, listSchedules, patchSchedule, pauseSchedule, resumeSchedule, runScheduleNow } from './schedule-methods.ts';

// Resource names are matched whole, as the agents API's are (api-routes.ts); custom methods are `/~verb`.
const agent = ':resource{.+/agents/[^/]+}';
const schedule = ':resource{.+/agents/[^/]+/schedules/[^/]+}';
const pageQuery = ['pageSize', 'pageToken'];

/** The schedule methods (README, "Schedules"): authenticated like every API method. */
export const scheduleRoutes: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: `/v1/${agent}/schedules`,
    handle: (deps, call) => createSchedule(deps, call.caller, call.param('resource'), call.query('schedules.create', ['scheduleId'])['scheduleId'], call.request.body),
  },
  { method: 'GET', path: `/v1/${agent}/schedules`, handle: (deps, call) => listSchedules(deps, call.caller, call.param('resource'), call.query('schedules.list', pageQuery)) },
  { method: 'GET', path: `/v1/${schedule}`, handle: (deps, call) => (call.query('schedules.get'), getSchedule(deps, call.caller, call.param('resource'))) },
  {
    method: 'PATCH',
    path: `/v1/${schedule}`,
    handle: (deps, call) => patchSchedule(deps, call.caller, call.param('resource'), call.request.body, call.query('schedules.patch', ['updateMask'])['updateMask']),
  },
  {
    method: 'DELETE',
    path: `/v1/${schedule}`,
    handle: (deps, call) => {
      call.query('schedules.delete');
      requireEmptyBody(call.request.body, 'schedules.delete');
      return deleteSchedule(deps, call.caller, call.param('resource'));
    },
  },
  ...(
    [
      ['pause', pauseSchedule],
      ['resume', resumeSchedule],
    ] as const
  ).map(([verb, method]): ApiRoute => ({
    method: 'POST',
    path: `/v1/${schedule}/~${verb}`,
    handle: (deps, call) => {
      call.query(`schedules.${verb}`);
      requireEmptyBody(call.request.body, `schedules.${verb}`);
      return method(deps, call.caller, call.param('resource'));
    },
  })),
  {
    method: 'POST',
    path: `/v1/${schedule}/~runNow`,
    handle: (deps, call) => {
      const { requestId } = call.query('schedules.runNow', ['requestId']);
      requireEmptyBody(call.request.body, 'schedules.runNow');
      return runScheduleNow(deps, call.caller, call.param('resource'), requestId);
    },
  },
  { method: 'GET', path: `/v1/${schedule}/fires`, handle: (deps, call) => listFires(deps, call.caller, call.param('resource'), call.query('schedules.listFires', pageQuery)) },
];
