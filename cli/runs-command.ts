import { parseArgs } from 'node:util';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { maxPageSize } from '../shared/domain/agents/list-request.ts';
import { parseRunFilter } from '../shared/domain/runs/run-list-query.ts';
import { createApiClient, type ApiClient } from './api-client.ts';
import { parseTimeoutSeconds } from './cli-options.ts';
import { cliUserId } from './cli-user.ts';
import { connectToApi } from './connect-to-api.ts';
import { connectToStack } from './connect-to-stack.ts';
import { namingRun, printOutcome, reportProgress, seeRun, waitForRunEnd, type RunView } from './follow-run.ts';
import { CliUsageError } from './usage.ts';

const options = {
  filter: { type: 'string' },
  'page-size': { type: 'string' },
  'page-token': { type: 'string' },
  reason: { type: 'string' },
  timeout: { type: 'string' },
  user: { type: 'string' },
  json: { type: 'boolean' },
} as const;
type Option = keyof typeof options;
type Values = { [K in Option]?: (typeof options)[K]['type'] extends 'boolean' ? boolean : string };

/** Each verb's options, and its `--timeout` default in seconds. */
const verbs: Record<string, { options: Option[]; timeout?: string }> = {
  list: { options: ['filter', 'page-size', 'page-token', 'user', 'json'] },
  get: { options: ['user'] },
  cancel: { options: ['reason', 'timeout', 'user', 'json'], timeout: '60' },
  watch: { options: ['timeout', 'user', 'json'], timeout: '86400' },
};

/**
 * `agentline runs list|get|cancel|watch` through the runs API of the running dev stack (or an
 * ephemeral one) as `--user`. Every option is checked before any stack is reached.
 */
export async function runRunsCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  const spec = verb === undefined ? undefined : verbs[verb];
  if (!spec) throw new CliUsageError(verb === undefined ? 'runs needs a command: agentline runs list|get|cancel|watch' : `Unknown runs command "${verb}"`);
  const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  const request = checkRunsRequest(verb!, positionals, values);
  const write = (line: string) => process.stderr.write(`${line}\n`);
  if (verb === 'watch') return watchRun(request, values, write);
  const connection = await connectToApi(write);
  try {
    const api = createApiClient(connection.apiUrl, await mintLocalToken(connection.secret, { userId: request.userId }));
    if (verb === 'list') return await listRuns(api, values, write);
    if (verb === 'get') {
      process.stdout.write(`${JSON.stringify(await api.call('GET', request.name!), null, 2)}\n`);
      return 0;
    }
    const run = await cancelRun(api, request.name!, { reason: values.reason, timeoutMs: request.timeoutMs!, write });
    if (values.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    return run.state === 'CANCELLED' ? 0 : 1;
  } catch (error) {
    throw request.name ? namingRun(error, request.name) : error;
  } finally {
    await connection.close();
  }
}

/** The checked request of a runs command; throws CliUsageError naming the option or argument. Exported for tests. */
export function checkRunsRequest(verb: string, positionals: string[], values: Values): { userId: string; name?: string; timeoutMs?: number } {
  const spec = verbs[verb]!;
  for (const option of Object.keys(values) as Option[]) {
    if (values[option] !== undefined && !spec.options.includes(option)) throw new CliUsageError(`--${option} is not an option of runs ${verb}`);
  }
  const userId = cliUserId(values.user);
  if (verb === 'list') {
    if (positionals.length > 0) throw new CliUsageError(`runs list takes no run, got "${positionals[0]}"; narrow it with --filter`);
    checkListOptions(values);
    return { userId };
  }
  if (positionals.length !== 1) throw new CliUsageError(`runs ${verb} takes exactly one run: agentline runs ${verb} <run id | runs/<run id>>`);
  const name = `runs/${runIdOf(positionals[0]!)}`;
  return { userId, name, ...(spec.timeout ? { timeoutMs: parseTimeoutSeconds(values.timeout ?? spec.timeout) * 1000 } : {}) };
}

function checkListOptions(values: Values): void {
  const pageSize = values['page-size'];
  if (pageSize !== undefined && (!/^\d+$/.test(pageSize.trim()) || Number(pageSize) < 1 || Number(pageSize) > maxPageSize)) {
    throw new CliUsageError(`--page-size must be a whole number from 1 to ${maxPageSize}, got "${pageSize}"`);
  }
  if (values['page-token'] === '') throw new CliUsageError('--page-token must not be empty: give the nextPageToken a list printed');
  try {
    parseRunFilter(values.filter);
  } catch (error) {
    throw new CliUsageError(`--filter: ${(error as Error).message}`);
  }
}

/** `runs/r123` or `r123` → `r123`. */
export function runIdOf(argument: string): string {
  const runId = argument.replace(/^runs\//, '');
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(runId)) throw new CliUsageError(`"${argument}" is not a run id (r… or runs/r…)`);
  return runId;
}

/** One line per run on stdout (`--json`: the API's answer), and how to get the next page on stderr. */
async function listRuns(api: ApiClient, values: Values, write: (line: string) => void): Promise<number> {
  const page = await api.call('GET', 'runs', { query: { filter: values.filter, pageSize: values['page-size'], pageToken: values['page-token'] } });
  const runs = (page['runs'] ?? []) as RunView[];
  const next = page['nextPageToken'] as string | undefined;
  if (values.json) process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
  else for (const run of runs) process.stdout.write(`${describeListedRun(run)}\n`);
  if (runs.length === 0) write(values.filter ? `no runs match --filter '${values.filter}'` : 'no runs');
  if (next) write(`more: agentline runs list${values.filter ? ` --filter '${values.filter}'` : ''}${values['page-size'] ? ` --page-size ${values['page-size']}` : ''} --page-token ${next}`);
  return 0;
}

/** `runs/r1  FAILED  2026-11-21T09:30:00.120Z  calc.yaml  LLM_CALLS_LIMIT_EXCEEDED` */
export function describeListedRun(run: RunView): string {
  const agent = (run['agent'] as { name?: string } | undefined)?.name ?? '-';
  return [run.name, run.state.padEnd(9), String(run['createTime'] ?? ''), agent, ...(run.error ? [run.error.code] : [])].join('  ');
}

/**
 * Cancels a run through the API's `:cancel` (the engine's cancellation) and waits with `:wait`
 * until it has ended. Resolves with the ended run: CANCELLED, or the state it had already ended in.
 */
export async function cancelRun(api: ApiClient, name: string, options: { reason?: string | undefined; timeoutMs: number; write: (line: string) => void }): Promise<RunView> {
  const deadline = Date.now() + options.timeoutMs;
  const now = (await api.call('POST', `${name}:cancel`, { body: options.reason ? { reason: options.reason } : {} })) as RunView;
  if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(now.state)) {
    options.write(`${name} had already ended ${now.state}; nothing to cancel${now.state === 'CANCELLED' ? '' : ` (${seeRun(name)} shows more)`}`);
    return now;
  }
  options.write(`cancellation of ${name} requested`);
  const ended = await waitForRunEnd(api, name, { deadline });
  options.write(`${name} ${ended.state}${ended.error ? ` (${ended.error.code}: ${ended.error.message})` : ''}${ended.state === 'CANCELLED' ? '' : `; ${seeRun(name)} shows more`}`);
  return ended;
}

/** `runs watch`: follows a run until it ends, progress on stderr, the outcome as `run` prints it. */
async function watchRun(request: ReturnType<typeof checkRunsRequest>, values: Values, write: (line: string) => void): Promise<number> {
  const name = request.name!;
  const deadline = Date.now() + request.timeoutMs!;
  const stack = await connectToStack({ fallbackReplay: undefined, write });
  try {
    const api = createApiClient(stack.apiUrl, await mintLocalToken(stack.localAuthSecret, { userId: request.userId }));
    const now = (await api.call('GET', name)) as RunView;
    write(`watching ${name} (${now.state})`);
    const progress = reportProgress(stack.deps.store, name.slice('runs/'.length), write);
    try {
      const run = await waitForRunEnd(api, name, { deadline });
      await progress.stop();
      return printOutcome(run, values.json);
    } catch (error) {
      await progress.stop().catch(() => {});
      throw error;
    }
  } catch (error) {
    throw namingRun(error, name);
  } finally {
    await stack.close();
  }
}
