import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { createApiClient, type ApiClient } from './api-client.ts';
import { isBatchViewEnded, renderBatchProgress, type BatchProgressView } from './batch-progress.ts';
import { parseJsonObject, parseTimeoutSeconds } from './cli-options.ts';
import { readAgentConfigFile } from './read-agent-config-file.ts';
import { cliUserId } from './cli-user.ts';
import { connectToApi } from './connect-to-api.ts';
import { CliUsageError } from './usage.ts';

const options = {
  agent: { type: 'string' },
  'items-file': { type: 'string' },
  items: { type: 'string' },
  template: { type: 'string' },
  concurrency: { type: 'string' },
  'run-config': { type: 'string' },
  callback: { type: 'string' },
  'request-id': { type: 'string' },
  'no-wait': { type: 'boolean', default: false },
  timeout: { type: 'string', default: '86400' },
  out: { type: 'string' },
  user: { type: 'string' },
} as const;
export type BatchValues = { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'boolean' ? boolean : string };

const verbs = ['create', 'get', 'list', 'cancel', 'report'];

/**
 * `agentline batches create|get|list|cancel|report` through the batches API of the running dev
 * stack (or an ephemeral one) as `--user`. `create` follows the batch with a progress bar on
 * stderr until it ends (exit status 0 only when it SUCCEEDED); `report` writes JSON Lines.
 */
export async function runBatchesCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const [verb, target] = positionals;
  if (!verb || !verbs.includes(verb)) throw new CliUsageError(verb ? `Unknown batches verb "${verb}"` : `batches needs a verb: ${verbs.join('|')}`);
  if (verb !== 'create' && verb !== 'list' && !target) throw new CliUsageError(`agentline batches ${verb} needs a batch name (batches/…)`);
  const body = verb === 'create' ? await batchBody(values) : undefined;
  const timeoutMs = parseTimeoutSeconds(values.timeout) * 1000;
  const connection = await connectToApi((line) => process.stderr.write(`${line}\n`));
  try {
    const api = createApiClient(connection.apiUrl, await mintLocalToken(connection.secret, { userId: cliUserId(values.user) }));
    const progress = (line: string) => process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
    switch (verb) {
      case 'create': {
        const created = (await api.call('POST', 'batches', { query: { requestId: values['request-id'] }, body })) as unknown as BatchProgressView;
        process.stderr.write(`created ${created.name}\n`);
        if (values['no-wait']) return print(created);
        const ended = await followBatch(api, created.name, { deadline: Date.now() + timeoutMs, progress });
        if (process.stderr.isTTY) process.stderr.write('\n');
        print(ended);
        return ended.state === 'SUCCEEDED' ? 0 : 1;
      }
      case 'get':
        return print(await api.call('GET', target!));
      case 'list':
        return print(await api.call('GET', 'batches'));
      case 'cancel':
        return print(await api.call('POST', `${target}:cancel`, { body: {} }));
      default: {
        const lines = await writeReport(api, target!, values.out);
        process.stderr.write(`${lines} items written${values.out ? ` to ${values.out}` : ''}\n`);
        return 0;
      }
    }
  } finally {
    await connection.close();
  }
}

function print(value: unknown): number {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return 0;
}

/** Polls the batch every second, writing its progress when it changes, until it ends or the deadline passes. */
export async function followBatch(api: ApiClient, name: string, options: { deadline: number; progress: (line: string) => void; intervalMs?: number }): Promise<BatchProgressView> {
  let last = '';
  for (;;) {
    const view = (await api.call('GET', name)) as unknown as BatchProgressView;
    const line = renderBatchProgress(view);
    if (line !== last) options.progress(line);
    last = line;
    if (isBatchViewEnded(view.state)) return view;
    if (Date.now() > options.deadline) throw new Error(`${name} did not end within the --timeout; agentline batches get ${name} shows it now`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
  }
}

/** Every item of the report as one JSON line, a page at a time, then a line with the totals; returns the items written. */
export async function writeReport(api: ApiClient, name: string, out: string | undefined): Promise<number> {
  const stream = out ? createWriteStream(out) : process.stdout;
  const write = (line: unknown) => new Promise<void>((done) => (stream.write(`${JSON.stringify(line)}\n`) ? done() : stream.once('drain', done)));
  let written = 0;
  let page: Record<string, unknown>;
  let pageToken: string | undefined;
  do {
    page = await api.call('GET', `${name}/report`, { query: { pageSize: '500', pageToken } });
    for (const item of page['items'] as unknown[]) await write(item);
    written += (page['items'] as unknown[]).length;
    pageToken = page['nextPageToken'] as string | undefined;
  } while (pageToken);
  await write({ totals: page['totals'], state: page['state'] });
  if (out) await new Promise<void>((done) => (stream as ReturnType<typeof createWriteStream>).end(done));
  return written;
}

/** The create body: `--agent` (an agent name, or an Agent Config file), the items, `--template`, `--concurrency`, `--run-config`, `--callback`. */
export async function batchBody(values: BatchValues): Promise<Record<string, unknown>> {
  if (!values.agent) throw new CliUsageError('batches create needs --agent <agent name | agent.yaml>');
  if ((values['items-file'] === undefined) === (values.items === undefined)) throw new CliUsageError('batches create needs exactly one of --items-file <items.jsonl> and --items \'<JSON list>\'');
  const agent = values.agent.includes('/agents/') ? { name: values.agent } : { configYaml: await readAgentConfigFile(values.agent, '--agent'), fileName: values.agent };
  let source: Record<string, unknown>;
  if (values['items-file'] !== undefined) source = { jsonlPath: resolve(values['items-file']) };
  else {
    const wrapped = parseJsonObject(`{"items": ${values.items}}`, '--items');
    if (!Array.isArray(wrapped['items'])) throw new CliUsageError('--items must be a JSON list');
    source = { items: wrapped['items'] };
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 100)) throw new CliUsageError(`--concurrency must be a whole number from 1 to 100, got "${values.concurrency}"`);
  return {
    agent,
    ...source,
    ...(values.template ? { inputTemplate: values.template } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(values['run-config'] ? { runConfig: parseJsonObject(values['run-config'], '--run-config') } : {}),
    ...(values.callback ? { callback: { url: values.callback } } : {}),
  };
}
