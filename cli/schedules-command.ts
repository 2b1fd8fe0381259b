import { parseArgs } from 'node:util';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { createApiClient, type ApiClient } from './api-client.ts';
import { parseJsonObject, readUtf8File } from './cli-options.ts';
import { cliUserId } from './cli-user.ts';
import { connectToApi } from './connect-to-api.ts';
import { CliUsageError } from './usage.ts';

const options = {
  body: { type: 'string' },
  cron: { type: 'string' },
  'time-zone': { type: 'string' },
  input: { type: 'string' },
  'run-config': { type: 'string' },
  session: { type: 'string' },
  overlap: { type: 'string' },
  'catch-up': { type: 'string' },
  'update-mask': { type: 'string' },
  'request-id': { type: 'string' },
  'page-size': { type: 'string' },
  'page-token': { type: 'string' },
  user: { type: 'string' },
} as const;
export type ScheduleValues = { [K in keyof typeof options]?: string };

const verbs = ['create', 'get', 'list', 'patch', 'pause', 'resume', 'delete', 'run-now', 'fires'];

/**
 * `agentline schedules <verb> <name> ...` against the HTTP API of the running dev stack (or an
 * ephemeral one) as `--user` (default $USER). Prints the JSON answer; an API error exits 1.
 */
export async function runSchedulesCommand(args: string[], write: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const [verb, target] = positionals;
  if (!verb || !verbs.includes(verb)) throw new CliUsageError(verb ? `Unknown schedules verb "${verb}"` : `schedules needs a verb: ${verbs.join('|')}`);
  if (!target) throw new CliUsageError(`agentline schedules ${verb} needs a ${verb === 'list' ? 'agent' : 'schedule'} name`);
  const body = verb === 'create' || verb === 'patch' ? await scheduleBody(values) : undefined;
  const connection = await connectToApi((line) => process.stderr.write(`${line}\n`));
  try {
    const client = createApiClient(connection.apiUrl, await mintLocalToken(connection.secret, { userId: cliUserId(values.user) }));
    write(`${JSON.stringify(await callScheduleVerb(client, verb, target, values, body), null, 2)}\n`);
    return 0;
  } finally {
    await connection.close();
  }
}

/** The API call each verb makes. */
export function callScheduleVerb(client: ApiClient, verb: string, target: string, values: ScheduleValues, body?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const page = { pageSize: values['page-size'], pageToken: values['page-token'] };
  switch (verb) {
    case 'create': {
      const slash = target.lastIndexOf('/schedules/');
      if (slash < 0) throw new CliUsageError('schedules create takes the full schedule name: <agent name>/schedules/ID');
      return client.call('POST', `${target.slice(0, slash)}/schedules`, { query: { scheduleId: target.slice(slash + '/schedules/'.length) }, body });
    }
    case 'get':
      return client.call('GET', target);
    case 'list':
      return client.call('GET', `${target}/schedules`, { query: page });
    case 'patch':
      return client.call('PATCH', target, { query: { updateMask: values['update-mask'] }, body });
    case 'pause':
    case 'resume':
      return client.call('POST', `${target}:${verb}`, { body: {} });
    case 'delete':
      return client.call('DELETE', target);
    case 'run-now':
      return client.call('POST', `${target}:runNow`, { query: { requestId: values['request-id'] }, body: {} });
    case 'fires':
      return client.call('GET', `${target}/fires`, { query: page });
    default:
      throw new CliUsageError(`Unknown schedules verb "${verb}"`);
  }
}

/** `--body schedule.json`, with `--cron`, `--time-zone`, `--input`, `--run-config`, `--session`, `--overlap`, `--catch-up` over it. */
export async function scheduleBody(values: ScheduleValues): Promise<Record<string, unknown>> {
  const body = values.body ? parseJsonObject(await readUtf8File(values.body, '--body'), `--body file ${values.body}`) : {};
  if (values.cron) body['cron'] = values.cron;
  if (values['time-zone']) body['timeZone'] = values['time-zone'];
  if (values.overlap) body['overlapPolicy'] = values.overlap;
  if (values['catch-up']) body['catchUpPolicy'] = values['catch-up'];
  if (values.input || values['run-config'] || values.session) {
    const run = { ...((body['run'] as Record<string, unknown> | undefined) ?? {}) };
    if (values.input) run['input'] = values.input;
    if (values['run-config']) run['runConfig'] = parseJsonObject(values['run-config'], '--run-config');
    if (values.session) run['sessionId'] = values.session;
    body['run'] = run;
  }
  return body;
}
