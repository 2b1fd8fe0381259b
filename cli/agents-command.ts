import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { createApiClient, type ApiClient } from './api-client.ts';
import { connectToApi } from './connect-to-api.ts';
import { CliUsageError } from './usage.ts';
import { waitForOperation } from './wait-for-operation.ts';
import { cliUserId } from './cli-user.ts';

const options = {
  'agent-config': { type: 'string' },
  'display-name': { type: 'string' },
  description: { type: 'string' },
  body: { type: 'string' },
  'update-mask': { type: 'string' },
  'page-size': { type: 'string' },
  'page-token': { type: 'string' },
  'order-by': { type: 'string' },
  reason: { type: 'string' },
  authorization: { type: 'string' },
  private: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  'no-wait': { type: 'boolean', default: false },
  user: { type: 'string' },
  admin: { type: 'boolean', default: false },
} as const;

/**
 * `agentline agents <verb> <name> ...` against the HTTP API of the running dev stack (or an
 * ephemeral one), with a local token for `--user` (default $USER). Prints the JSON answer.
 */
export async function runAgentsCommand(args: string[], write: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const [verb, target] = positionals;
  if (!verb || !target) throw new CliUsageError('agentline agents <verb> <name> needs a verb and an agent (or parent) name');
  const connection = await connectToApi((line) => process.stderr.write(`${line}\n`));
  try {
    const token = await mintLocalToken(connection.secret, { userId: cliUserId(values.user), admin: values.admin });
    const client = createApiClient(connection.apiUrl, token);
    const result = await callVerb(client, verb, target, values);
    write(`${JSON.stringify(result, null, 2)}\n`);
    const failed = (result as { error?: unknown }).error !== undefined;
    return failed ? 1 : 0;
  } finally {
    await connection.close();
  }
}

type Values = { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'boolean' ? boolean : string };

async function callVerb(client: ApiClient, verb: string, target: string, values: Values): Promise<Record<string, unknown>> {
  switch (verb) {
    case 'create': {
      const slash = target.lastIndexOf('/agents/');
      if (slash < 0) throw new CliUsageError('agents create takes the full agent name: projects/P/locations/L/collections/C/engines/E/agents/ID');
      return client.call('POST', `${target.slice(0, slash)}/agents`, { query: { agentId: target.slice(slash + '/agents/'.length) }, body: await agentBody(values) });
    }
    case 'get':
      return client.call('GET', target);
    case 'list':
      return client.call('GET', `${target}/agents`, { query: { pageSize: values['page-size'], pageToken: values['page-token'], orderBy: values['order-by'] } });
    case 'patch':
      return client.call('PATCH', target, { query: { updateMask: values['update-mask'] }, body: await agentBody(values) });
    case 'delete':
      return client.call('DELETE', target);
    case 'deploy': {
      const operation = await client.call('POST', `${target}:deploy`, { body: { force: values.force, private: values.private } });
      return values['no-wait'] ? operation : waitForOperation(client, String(operation['name']));
    }
    case 'enable':
      return client.call('POST', `${target}:enableAgent`, { body: {} });
    case 'disable':
      return client.call('POST', `${target}:disableAgent`, { body: {} });
    case 'suspend':
      if (!values.reason) throw new CliUsageError('agents suspend needs --reason "<shown to users>"');
      return client.call('POST', `${target}:suspendAgent`, { query: { suspensionReason: values.reason }, body: {} });
    case 'view':
      return client.call('GET', `${target}:getAgentView`);
    case 'operation':
      return client.call('GET', target);
    case 'grant':
    case 'revoke':
      if (!values.authorization) throw new CliUsageError(`agents ${verb} <user id> needs --authorization <name>`);
      return client.call('POST', `users/${target}/authorizations:${verb}`, { body: { authorization: values.authorization } });
    case 'authorizations':
      return client.call('GET', `users/${target}/authorizations`);
    default:
      throw new CliUsageError(`Unknown agents verb "${verb}"`);
  }
}

/** The body from `--body file.json`, plus `--agent-config`, `--display-name`, `--description`. */
async function agentBody(values: Values): Promise<Record<string, unknown>> {
  const body = values.body ? (JSON.parse(await readFile(values.body, 'utf8')) as Record<string, unknown>) : {};
  if (values['agent-config']) body['adkAgentDefinition'] = { agentConfig: await readFile(values['agent-config'], 'utf8') };
  if (values['display-name']) body['displayName'] = values['display-name'];
  if (values.description) body['description'] = values.description;
  return body;
}
