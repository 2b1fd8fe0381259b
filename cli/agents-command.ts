import { parseArgs } from 'node:util';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { createApiClient, type ApiClient } from './api-client.ts';
import { connectToApi } from './connect-to-api.ts';
import { CliUsageError } from './usage.ts';
import { waitForOperation } from './wait-for-operation.ts';
import { cliUserId } from './cli-user.ts';
import { parseJsonObject, readUtf8File } from './cli-options.ts';
import { readAgentConfigFile } from './read-agent-config-file.ts';

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
  // Everything the command was given is checked before a stack starts.
  checkVerbOptions(verb, target, values);
  const userId = cliUserId(values.user);
  const body = verb === 'create' || verb === 'patch' ? await agentBody(values) : undefined;
  const connection = await connectToApi((line) => process.stderr.write(`${line}\n`));
  try {
    const token = await mintLocalToken(connection.secret, { userId, admin: values.admin });
    const client = createApiClient(connection.apiUrl, token);
    const result = await callVerb(client, verb, target, values, body);
    write(`${JSON.stringify(result, null, 2)}\n`);
    const failed = (result as { error?: unknown }).error !== undefined;
    return failed ? 1 : 0;
  } finally {
    await connection.close();
  }
}

type Values = { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'boolean' ? boolean : string };

const verbs = ['create', 'get', 'list', 'patch', 'delete', 'deploy', 'enable', 'disable', 'suspend', 'view', 'operation', 'grant', 'revoke', 'authorizations'];

function checkVerbOptions(verb: string, target: string, values: Values): void {
  if (!verbs.includes(verb)) throw new CliUsageError(`Unknown agents verb "${verb}"`);
  if (verb === 'create' && !target.includes('/agents/')) {
    throw new CliUsageError('agents create takes the full agent name: projects/P/locations/L/collections/C/engines/E/agents/ID');
  }
  if (verb === 'suspend' && !values.reason) throw new CliUsageError('agents suspend needs --reason "<shown to users>"');
  if ((verb === 'grant' || verb === 'revoke') && !values.authorization) throw new CliUsageError(`agents ${verb} <user id> needs --authorization <name>`);
}

async function callVerb(client: ApiClient, verb: string, target: string, values: Values, body: Record<string, unknown> | undefined): Promise<Record<string, unknown>> {
  switch (verb) {
    case 'create': {
      const slash = target.lastIndexOf('/agents/');
      return client.call('POST', `${target.slice(0, slash)}/agents`, { query: { agentId: target.slice(slash + '/agents/'.length) }, body });
    }
    case 'get':
      return client.call('GET', target);
    case 'list':
      return client.call('GET', `${target}/agents`, { query: { pageSize: values['page-size'], pageToken: values['page-token'], orderBy: values['order-by'] } });
    case 'patch':
      return client.call('PATCH', target, { query: { updateMask: values['update-mask'] }, body });
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
      return client.call('POST', `${target}:suspendAgent`, { query: { suspensionReason: values.reason }, body: {} });
    case 'view':
      return client.call('GET', `${target}:getAgentView`);
    case 'operation':
      return client.call('GET', target);
    case 'grant':
    case 'revoke':
      return client.call('POST', `users/${target}/authorizations:${verb}`, { body: { authorization: values.authorization } });
    case 'authorizations':
      return client.call('GET', `users/${target}/authorizations`);
    default:
      throw new CliUsageError(`Unknown agents verb "${verb}"`);
  }
}

/** The body from `--body file.json`, plus `--agent-config`, `--display-name`, `--description`. */
async function agentBody(values: Values): Promise<Record<string, unknown>> {
  const body = values.body ? parseJsonObject(await readUtf8File(values.body, '--body'), `--body file ${values.body}`) : {};
  if (values['agent-config']) body['adkAgentDefinition'] = { agentConfig: await readAgentConfigFile(values['agent-config'], '--agent-config') };
  if (values['display-name']) body['displayName'] = values['display-name'];
  if (values.description) body['description'] = values.description;
  return body;
}
