import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { functionNeeds, type FunctionNeeds } from '../functions/function-needs.ts';
import { callbackFunctionNames } from '../functions/register-callback-function.ts';
import { stepKinds } from '../shared/domain/step.ts';
import { createInMemoryWorld } from '../shared/wiring/create-in-memory-world.ts';
import { createStepKinds } from '../shared/wiring/create-step-handlers.ts';
import { declarableSecrets, functionPermissions, type FunctionPermissions } from './function-permissions.ts';
import { attribute, nestedBlocks, readTerraformBlocks, type TerraformBlock } from './terraform-text.ts';
import { subscriptionForFunction, topicForOutbox, topology } from './topology.ts';

// Who holds what (README.md, "Who holds what"): infra/function-permissions.json declares it, the
// code it is checked against is functions/function-needs.ts (and, where it can be derived, the
// code itself), and the Terraform may grant a function's account nothing the declaration does not
// say. Terraform cannot be planned here (no provider downloads), so its configuration is read as
// text (infra/terraform-text.ts).

const root = new URL('..', import.meta.url);
const blocks = readTerraformBlocks(fileURLToPath(new URL('.', import.meta.url)));
const functionNames = topology.functions.map((fn) => fn.name);
const httpFunctions = topology.functions.filter((fn) => fn.http).map((fn) => fn.name);
const sorted = (values: Iterable<string>) => [...values].sort();
const oneLine = (text: string | undefined) => text?.replace(/\s+/g, ' ').replace(/([[({]) /g, '$1').replace(/ ([\])}])/g, '$1');

function block(kind: string, ...labels: string[]): TerraformBlock {
  const found = blocks.find((candidate) => candidate.kind === kind && candidate.labels.join('.') === labels.join('.'));
  if (!found) throw new Error(`no ${kind} ${labels.join('.')} in infra/*.tf`);
  return found;
}

const resource = (type: string, name: string) => block('resource', type, name);

function local(name: string): string | undefined {
  return blocks.filter((locals) => locals.kind === 'locals').map((locals) => attribute(locals.body, name)).find((value) => value !== undefined);
}

/** The declaration of `name`; throws, naming what to add, when it has none. */
function declared(name: string): FunctionPermissions {
  const permissions = functionPermissions[name];
  if (!permissions) throw new Error(`${name} has no entry in infra/function-permissions.json: declare its publishes, delaysSteps, callsModel and secrets`);
  return permissions;
}

/** The declaration the code's needs call for. */
function permissionsOf(needs: FunctionNeeds): FunctionPermissions {
  return {
    publishes: sorted(needs.publishes.map((topic) => topicForOutbox(topic))),
    delaysSteps: needs.delaysSteps,
    callsModel: needs.callsModel,
    managesSchedulerJobs: needs.managesSchedulerJobs,
    artifacts: needs.artifacts,
    launchesCodeJobs: needs.launchesCodeJobs,
    callsBrowser: needs.callsBrowser,
    readsToolSecrets: needs.readsToolSecrets,
    secrets: sorted(needs.secrets) as FunctionPermissions['secrets'],
  };
}

/** The step kind whose topic pushes to `name`; undefined for a function that runs no steps. */
function stepKindOf(name: string) {
  const topic = subscriptionForFunction(name)?.topic;
  return stepKinds.find((kind) => topology.stepTopics[kind] === topic);
}

describe('the declaration of who holds what (infra/function-permissions.json)', () => {
  it('has an entry for every function in topology.json, and for nothing else', () => {
    const undeclared = functionNames.filter((name) => !(name in functionPermissions));
    expect(undeclared, `functions with no entry in infra/function-permissions.json (declare publishes, delaysSteps, callsModel, secrets): ${undeclared.join(', ')}`).toEqual([]);
    const unknown = Object.keys(functionPermissions).filter((name) => !functionNames.includes(name));
    expect(unknown, `entries in infra/function-permissions.json for functions topology.json does not list: ${unknown.join(', ')}`).toEqual([]);
  });

  it('grants each function what its code uses (functions/function-needs.ts), no more and no less', () => {
    const unlisted = functionNames.filter((name) => !(name in functionNeeds));
    expect(unlisted, `functions missing from functions/function-needs.ts: ${unlisted.join(', ')}`).toEqual([]);
    for (const name of functionNames) {
      const permissions = declared(name);
      const used = permissionsOf(functionNeeds[name as keyof typeof functionNeeds]);
      expect({ ...permissions, publishes: sorted(permissions.publishes), secrets: sorted(permissions.secrets) }, `${name}: infra/function-permissions.json against functions/function-needs.ts`).toEqual(used);
    }
  });

  const world = createInMemoryWorld({ model: { generate: () => Promise.reject(new Error('no model call is made here')) } });
  afterAll(() => world.close());

  it('lets exactly the step functions whose kind has an effect, and the callback function, delay their messages (retries and re-checks)', () => {
    const withEffect = new Set(createStepKinds(world.deps).flatMap((kind) => (kind.effect ? [kind.kind] : [])));
    for (const name of functionNames) {
      const kind = stepKindOf(name);
      const callbacks = (callbackFunctionNames as readonly string[]).includes(name);
      expect(declared(name).delaysSteps, name).toBe(callbacks || (kind !== undefined && withEffect.has(kind)));
    }
  });

  it('gives the callback signing key to the callback function alone', () => {
    expect(functionNames.filter((name) => declared(name).secrets.includes('callback-signing-key'))).toEqual([...callbackFunctionNames]);
  });

  it('lets only the function that runs model steps call the model, and never a public HTTP function', () => {
    expect(filesCalling('.model.generate(')).toEqual(['shared/steps/model-step.ts']);
    expect(functionNames.filter((name) => declared(name).callsModel)).toEqual(functionNames.filter((name) => stepKindOf(name) === 'model'));
    for (const name of httpFunctions) expect(declared(name).callsModel, `${name} is public and must not hold the model's key`).toBe(false);
  });

  it('lets only the tool step launch code jobs; the model step only read runs\' files, and the tool step and the API (input files, downloads) also create them', () => {
    expect(filesCalling('launcher.launch(')).toEqual(['shared/tools/execute-code/execute-code-tool.ts']);
    expect(functionNames.filter((name) => declared(name).launchesCodeJobs)).toEqual(functionNames.filter((name) => stepKindOf(name) === 'tool'));
    const access = (name: string) => (stepKindOf(name) === 'model' ? 'read' : stepKindOf(name) === 'tool' || httpFunctions.includes(name) ? 'readAndCreate' : 'none');
    for (const name of functionNames) expect(declared(name).artifacts, name).toBe(access(name));
    // Every save of a run's file is made by code of the tool step's tools or the API.
    expect(filesCalling('artifacts.save(')).toEqual(['shared/agents-api/input-files.ts', 'shared/steps/tool-step.ts', 'shared/tools/execute-code/execute-code-tool.ts', 'shared/tools/saved-once.ts']);
    expect(filesCalling("from '../saved-once.ts'")).toEqual(['shared/tools/browse/browse-tool.ts', 'shared/tools/render-chart/render-chart-tool.ts']);
  });

  it('lets only the tool step call the browser service, through the one place that makes its client', () => {
    expect(filesCalling('browser.browse(')).toEqual(['shared/tools/browse/browse-tool.ts']);
    expect(filesCalling('new HttpBrowserClient(')).toEqual(['shared/wiring/create-browser.ts']);
    expect(functionNames.filter((name) => declared(name).callsBrowser)).toEqual(functionNames.filter((name) => stepKindOf(name) === 'tool'));
    for (const name of httpFunctions) expect(declared(name).callsBrowser, `${name} is public and must not invoke the browser`).toBe(false);
  });

  it('lets only the tool step and the deploy worker read tool secrets, where OpenAPI and MCP toolsets authorize their calls', () => {
    expect(filesCalling('#credentials.read(')).toEqual(['shared/tools/openapi/authorize-request.ts']);
    expect(filesCalling('access.credentials.read(')).toEqual(['shared/tools/mcp/mcp-client.ts']);
    // The tool step calls with them; the deploy worker lists MCP servers' tools with them.
    expect(functionNames.filter((name) => declared(name).readsToolSecrets)).toEqual(functionNames.filter((name) => stepKindOf(name) === 'tool' || name === 'deployAgent'));
  });

  it('lets the sweeper re-drive every step kind and publish whatever another function left in its outbox', () => {
    // Everything another function publishes may sit in an outbox: runs.cancel publishes directly,
    // but a batch's cancellations go through the outbox of the commit that sets it CANCELLING.
    const others = functionNames.filter((name) => name !== 'sweep').flatMap((name) => declared(name).publishes);
    const expected = new Set([...Object.values(topology.stepTopics), ...others]);
    expect(sorted(declared('sweep').publishes)).toEqual(sorted(expected));
  });
});

describe('the Terraform grants', () => {
  it('runs each function as its own service account, named after it', () => {
    const account = resource('google_service_account', 'function').body;
    expect(attribute(account, 'for_each')).toBe('local.functions');
    expect(attribute(account, 'account_id')).toBe('each.value.deployName');
    for (const fn of topology.functions) expect(fn.deployName, `${fn.name}: a service account id is 6–30 characters`).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    const serviceConfig = nestedBlocks(resource('google_cloudfunctions2_function', 'fn').body, 'service_config')[0]!;
    expect(attribute(serviceConfig, 'service_account_email')).toBe('google_service_account.function[each.key].email');
    // The HTTP entries are Cloud Run services (infra/api-service.tf), each on its own account too.
    const service = resource('google_cloud_run_v2_service', 'http').body;
    expect(attribute(service, 'for_each')).toBe('local.http_functions');
    expect(attribute(nestedBlocks(service, 'template')[0]!, 'service_account')).toBe('google_service_account.function[each.key].email');
    const accounts = blocks.filter((candidate) => candidate.kind === 'resource' && candidate.labels[0] === 'google_service_account');
    expect(accounts.map((account) => account.labels[1])).toEqual(['function', 'code_exec', 'browser', 'invoker', 'delay_publisher', 'build']);
  });

  it("grants a function's account nothing but what its declaration says", () => {
    // Every resource that names a function's account, other than the function itself, is one of
    // these grants, each made for the entries of the declaration its for_each expands.
    const grants = blocks
      .filter((grant) => grant.kind === 'resource' && grant.body.includes('google_service_account.function[') && !['google_cloudfunctions2_function', 'google_cloud_run_v2_service'].includes(grant.labels[0]!))
      .map(({ labels, body }) => ({
        resource: labels.join('.'),
        for_each: oneLine(attribute(body, 'for_each')),
        role: attribute(body, 'role'),
        on: attribute(body, 'topic') ?? attribute(body, 'name') ?? attribute(body, 'service_account_id') ?? attribute(body, 'secret_id') ?? attribute(body, 'bucket') ?? attribute(body, 'project'),
      }));
    expect(grants, "resources naming a function's account: each must be a grant expanding infra/function-permissions.json").toEqual([
      { resource: 'google_project_iam_member.function_firestore', for_each: 'local.functions', role: '"roles/datastore.user"', on: 'var.project_id' },
      { resource: 'google_project_iam_member.function_vertex', for_each: 'local.use_vertex ? local.model_functions : toset([])', role: '"roles/aiplatform.user"', on: 'var.project_id' },
      { resource: 'google_pubsub_topic_iam_member.function_publish', for_each: 'local.function_publishing', role: '"roles/pubsub.publisher"', on: 'google_pubsub_topic.topic[each.value.topic].id' },
      { resource: 'google_cloud_tasks_queue_iam_member.function_enqueue_delay', for_each: 'local.delaying_functions', role: '"roles/cloudtasks.enqueuer"', on: 'google_cloud_tasks_queue.queue["delay"].id' },
      { resource: 'google_service_account_iam_member.function_act_as_delay_publisher', for_each: 'local.delaying_functions', role: '"roles/iam.serviceAccountUser"', on: 'google_service_account.delay_publisher.name' },
      { resource: 'google_project_iam_member.function_scheduler_jobs', for_each: 'local.scheduler_managers', role: '"roles/cloudscheduler.admin"', on: 'var.project_id' },
      { resource: 'google_secret_manager_secret_iam_member.function_secret', for_each: 'local.function_secret_access', role: '"roles/secretmanager.secretAccessor"', on: 'local.secrets[each.value.secret].secret' },
      // The API service, which alone serves webhook deliveries, reads the trigger secrets: only
      // those named with the webhook prefix (a condition on the grant, checked below).
      { resource: 'google_project_iam_member.api_webhook_secrets', for_each: 'local.http_functions', role: '"roles/secretmanager.secretAccessor"', on: 'var.project_id' },
      // The tool step reads OpenAPI toolsets' secrets: only those named with the tool prefix.
      { resource: 'google_project_iam_member.function_tool_secrets', for_each: 'local.tool_secret_readers', role: '"roles/secretmanager.secretAccessor"', on: 'var.project_id' },
      // The batch fan-out reads items from the buckets the deployment names (the API refuses others).
      { resource: 'google_storage_bucket_iam_member.fan_out_batch_buckets', for_each: 'toset(var.batch_buckets)', role: '"roles/storage.objectViewer"', on: 'each.value' },
      // Runs' files, and the code-exec job: the roles each expands are checked below.
      { resource: 'google_storage_bucket_iam_member.function_artifacts', for_each: 'local.artifact_access', role: 'each.value.role', on: 'google_storage_bucket.artifacts.name' },
      { resource: 'google_cloud_run_v2_job_iam_member.function_code_jobs', for_each: 'local.code_job_access', role: 'each.value.role', on: 'google_cloud_run_v2_job.code_exec.name' },
      // The browser service: invoked by the functions that declare callsBrowser, on it alone.
      { resource: 'google_cloud_run_v2_service_iam_member.function_browser', for_each: 'local.browser_callers', role: '"roles/run.invoker"', on: 'google_cloud_run_v2_service.browser.name' },
    ]);
    expect(oneLine(local('artifact_roles'))).toBe('{none = [] read = ["roles/storage.objectViewer"] readAndCreate = ["roles/storage.objectViewer", "roles/storage.objectCreator"]}');
    expect(oneLine(local('artifact_access'))).toBe(
      'merge([for name, fn in local.function_permissions : {for role in local.artifact_roles[fn.artifacts] : "${name} ${role}" => {function = name, role = role}}]...)',
    );
    expect(oneLine(local('code_job_access'))).toBe(
      'merge([for name, fn in local.function_permissions : {for role in ["roles/run.jobsExecutorWithOverrides", "roles/run.viewer"] : "${name} ${role}" => {function = name, role = role}} if fn.launchesCodeJobs]...)',
    );
    expect(resource('google_project_iam_member', 'api_webhook_secrets').body).toContain('resource.name.startsWith(\\"projects/${data.google_project.this.number}/secrets/${var.webhook_credential_prefix}\\")');
    expect(resource('google_project_iam_member', 'function_tool_secrets').body).toContain('resource.name.startsWith(\\"projects/${data.google_project.this.number}/secrets/${var.tool_credential_prefix}\\")');
    // ... and those for_each expand the declaration alone.
    expect(oneLine(local('function_permissions'))).toBe('jsondecode(file("${path.module}/function-permissions.json")).functions');
    expect(oneLine(local('model_functions'))).toBe('toset([for name, fn in local.function_permissions : name if fn.callsModel])');
    expect(oneLine(local('delaying_functions'))).toBe('toset([for name, fn in local.function_permissions : name if fn.delaysSteps])');
    expect(oneLine(local('scheduler_managers'))).toBe('toset([for name, fn in local.function_permissions : name if fn.managesSchedulerJobs])');
    expect(oneLine(local('tool_secret_readers'))).toBe('toset([for name, fn in local.function_permissions : name if fn.readsToolSecrets])');
    expect(oneLine(local('browser_callers'))).toBe('toset([for name, fn in local.function_permissions : name if fn.callsBrowser])');
    expect(oneLine(local('function_publishing'))).toBe(
      'merge([for name, fn in local.function_permissions : {for topic in fn.publishes : "${name} ${topic}" => {function = name, topic = topic}}]...)',
    );
    expect(oneLine(local('function_secret_access'))).toBe(
      'merge([for name, secrets in local.function_secrets : {for secret in secrets : "${name} ${secret}" => {function = name, secret = secret}}]...)',
    );
    // The Gemini API key goes with callsModel, and only when the model is not reached through Vertex AI.
    expect(oneLine(local('function_secrets'))).toBe(
      '{for name, fn in local.function_permissions : name => concat(fn.secrets, fn.callsModel && !local.use_vertex ? ["gemini-api-key"] : [])}',
    );
  });

  it('keeps the invoker to calling the pushed functions, and the account functions act as to publishing the delayed steps', () => {
    expect(attribute(resource('google_cloud_run_service_iam_member', 'invoker').body, 'for_each')).toBe('local.pushed_functions');
    expect(attribute(resource('google_pubsub_topic_iam_member', 'delay_publisher_publish').body, 'for_each')).toBe('local.delayed_step_topics');
    expect(oneLine(local('delayed_step_topics'))).toBe('toset([for s in local.topology.subscriptions : s.topic if contains(local.delaying_functions, s.function)])');
  });

  it('gives functions secrets only from Secret Manager, and keeps every secret value out of the state', () => {
    const serviceConfig = nestedBlocks(resource('google_cloudfunctions2_function', 'fn').body, 'service_config')[0]!;
    expect(attribute(serviceConfig, 'environment_variables')).toBe('local.runtime_environment');
    const environment = local('runtime_environment')!;
    expect(environment).toMatch(/^merge\(\{[\s\S]*\}, var\.function_environment\)$/);
    const names = [...environment.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=/gm)].map((match) => match[1]!);
    expect(names.length).toBeGreaterThan(0);
    // The webhook prefix names which secrets triggers may use; it holds none.
    const namesOfSecrets = new Set(['AGENTLINE_WEBHOOK_SECRET_PREFIX', 'AGENTLINE_TOOL_SECRET_PREFIX']);
    expect(names.filter((name) => /SECRET|PASSWORD|TOKEN|API_KEY|_KEY$/.test(name) && !namesOfSecrets.has(name)), 'secret-looking environment variables').toEqual([]);
    expect(environment).not.toMatch(/random_|secret/);
    // Nor may an operator add one through the variable every function's environment takes.
    expect(attribute(nestedBlocks(block('variable', 'function_environment').body, 'validation')[0]!, 'condition')).toContain('SECRET|PASSWORD|TOKEN|_KEY$');

    const secretVariables = nestedBlocks(serviceConfig, 'secret_environment_variables')[0]!;
    expect(attribute(secretVariables, 'for_each')).toBe('lookup(local.function_secrets, each.key, [])');
    // The API service reads the same declared secrets, from Secret Manager, and nothing else.
    const container = nestedBlocks(nestedBlocks(resource('google_cloud_run_v2_service', 'http').body, 'template')[0]!, 'containers')[0]!;
    expect(container).toContain('for name, value in local.runtime_environment');
    expect(container).toContain('for secret in lookup(local.function_secrets, each.key, [])');
    expect(container).toMatch(/dynamic "value_source" \{[\s\S]*secret_key_ref \{/);
    expect(sorted([...local('secrets')!.matchAll(/"([a-z-]+)" = \{/g)].map((match) => match[1]!))).toEqual(sorted([...declarableSecrets, 'gemini-api-key']));

    // Random values Terraform would keep in its state: none; the page-token key is written write-only.
    expect(blocks.filter((candidate) => candidate.kind === 'resource' && /^random_/.test(candidate.labels[0]!))).toEqual([]);
    const version = resource('google_secret_manager_secret_version', 'generated').body;
    expect(attribute(version, 'secret_data')).toBeUndefined();
    expect(attribute(version, 'secret_data_wo')).toBe('ephemeral.random_password.generated[each.key].result');
    expect(block('ephemeral', 'random_password', 'generated').body).toContain('length');
    expect(sorted([...local('generated_keys')!.matchAll(/"([a-z-]+)"\s*= \{/g)].map((match) => match[1]!))).toEqual(sorted(declarableSecrets));
  });
});

describe('the README', () => {
  it('shows who holds what as infra/function-permissions.json declares it', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    for (const name of functionNames) {
      const permissions = declared(name);
      const row = [
        `\`${name}\``,
        permissions.publishes.map((topic) => `\`${topic}\``).join(', ') || '–',
        permissions.delaysSteps ? 'yes' : '–',
        permissions.callsModel ? 'yes' : '–',
        { none: '–', read: 'read', readAndCreate: 'read, create' }[permissions.artifacts],
        permissions.launchesCodeJobs ? 'yes' : '–',
        permissions.callsBrowser ? 'yes' : '–',
        permissions.readsToolSecrets ? 'yes' : '–',
        permissions.secrets.map((secret) => `\`${secret}\``).join(', ') || '–',
      ];
      const line = `| ${row.join(' | ')} |`;
      expect(readme.includes(line), `README.md, "Who holds what", lacks the row ${line}`).toBe(true);
    }
  });
});

/** Source files (outside tests and test helpers) that contain `text`, relative to the project. */
function filesCalling(text: string): string[] {
  const found: string[] = [];
  const visit = (directory: string) => {
    for (const entry of readdirSync(new URL(directory, root), { withFileTypes: true })) {
      const path = `${directory}${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'testing') visit(`${path}/`);
      } else if (path.endsWith('.ts') && !path.endsWith('.test.ts') && readFileSync(new URL(path, root), 'utf8').includes(text)) found.push(path);
    }
  };
  for (const directory of ['shared/', 'functions/']) visit(directory);
  return found.sort();
}

describe('every IAM grant in the Terraform', () => {
  // Any grant, whatever account or alias it names, is one of these: a new one fails here until it
  // is reviewed and listed, so a role cannot reach a function's account (or one it acts as) unseen.
  const reviewedGrants: Record<string, string> = {
    'google_cloud_run_service_iam_member.invoker': 'google_service_account.invoker.member',
    'google_cloud_run_v2_service_iam_member.api_public': '"allUsers"',
    'google_cloud_tasks_queue_iam_member.function_enqueue_delay': 'google_service_account.function[each.key].member',
    'google_project_iam_member.api_webhook_secrets': 'google_service_account.function[each.key].member',
    'google_project_iam_member.build': 'google_service_account.build.member',
    'google_project_iam_member.function_firestore': 'google_service_account.function[each.key].member',
    'google_project_iam_member.function_scheduler_jobs': 'google_service_account.function[each.key].member',
    'google_project_iam_member.function_tool_secrets': 'google_service_account.function[each.key].member',
    'google_project_iam_member.function_vertex': 'google_service_account.function[each.key].member',
    'google_pubsub_topic_iam_member.dead_letter_publisher': 'local.pubsub_agent',
    'google_pubsub_topic_iam_member.delay_publisher_publish': 'google_service_account.delay_publisher.member',
    'google_pubsub_topic_iam_member.function_publish': 'google_service_account.function[each.value.function].member',
    'google_pubsub_topic_iam_member.scheduler_publish': '"serviceAccount:service-${data.google_project.this.number}@gcp-sa-cloudscheduler.iam.gserviceaccount.com"',
    'google_pubsub_topic_iam_member.trusted_submitters': 'each.value',
    'google_pubsub_subscription_iam_member.dead_letter_subscriber': 'local.pubsub_agent',
    'google_secret_manager_secret_iam_member.function_secret': 'google_service_account.function[each.value.function].member',
    'google_service_account_iam_member.function_act_as_delay_publisher': 'google_service_account.function[each.key].member',
    'google_service_account_iam_member.pubsub_mints_invoker_tokens': 'local.pubsub_agent',
    'google_storage_bucket_iam_member.fan_out_batch_buckets': 'google_service_account.function["fanOutBatch"].member',
    'google_storage_bucket_iam_member.function_artifacts': 'google_service_account.function[each.value.function].member',
    'google_cloud_run_v2_job_iam_member.function_code_jobs': 'google_service_account.function[each.value.function].member',
    'google_cloud_run_v2_service_iam_member.function_browser': 'google_service_account.function[each.key].member',
    'google_storage_bucket_iam_member.code_exec_artifacts': 'google_service_account.code_exec.member',
    'google_pubsub_topic_iam_member.code_exec_wake': 'google_service_account.code_exec.member',
  };

  it('is one of the reviewed grants, to the member reviewed, and no IAM policy or binding replaces them wholesale', () => {
    const grants = blocks.filter((candidate) => candidate.kind === 'resource' && /_iam_(member|binding|policy)$/.test(candidate.labels[0]!));
    expect(Object.fromEntries(grants.map((grant) => [grant.labels.join('.'), attribute(grant.body, 'member') ?? attribute(grant.body, 'members') ?? attribute(grant.body, 'policy_data')]))).toEqual(reviewedGrants);
    expect(blocks.filter((candidate) => candidate.kind === 'data' && candidate.labels[0] === 'google_iam_policy')).toEqual([]);
  });

  it('gives the account the delaying functions act as nothing but publishing their own delayed steps', () => {
    const grantsToDelayPublisher = blocks.filter((candidate) => candidate.kind === 'resource' && /_iam_/.test(candidate.labels[0]!) && /member\s*=\s*google_service_account\.delay_publisher\.member/.test(candidate.body));
    expect(grantsToDelayPublisher.map((grant) => grant.labels.join('.'))).toEqual(['google_pubsub_topic_iam_member.delay_publisher_publish']);
  });

  it('gives the code-exec job, which runs model-written code, nothing but the artifact objects and waking the tool step', () => {
    const grantsToCodeExec = blocks.filter((candidate) => candidate.kind === 'resource' && /_iam_/.test(candidate.labels[0]!) && candidate.body.includes('google_service_account.code_exec'));
    expect(grantsToCodeExec.map((grant) => grant.labels.join('.'))).toEqual(['google_storage_bucket_iam_member.code_exec_artifacts', 'google_pubsub_topic_iam_member.code_exec_wake']);
    const artifacts = resource('google_storage_bucket_iam_member', 'code_exec_artifacts').body;
    expect(oneLine(attribute(artifacts, 'for_each'))).toBe('toset(["roles/storage.objectViewer", "roles/storage.objectCreator"])');
    expect(attribute(artifacts, 'bucket')).toBe('google_storage_bucket.artifacts.name');
    const wake = resource('google_pubsub_topic_iam_member', 'code_exec_wake').body;
    expect(attribute(wake, 'topic')).toBe('google_pubsub_topic.topic[local.topology.stepTopics.tool].id');
    expect(attribute(wake, 'role')).toBe('"roles/pubsub.publisher"');
  });

  it('gives the browser service, which runs pages anyone may write, no grant at all, and lets only the declared callers invoke it', () => {
    const grantsToBrowser = blocks.filter((candidate) => candidate.kind === 'resource' && /_iam_/.test(candidate.labels[0]!) && candidate.body.includes('google_service_account.browser'));
    expect(grantsToBrowser.map((grant) => grant.labels.join('.'))).toEqual([]);
    const service = resource('google_cloud_run_v2_service', 'browser').body;
    const template = nestedBlocks(service, 'template')[0]!;
    expect(attribute(template, 'service_account')).toBe('google_service_account.browser.email');
    // Invoked only with IAM: Cloud Run checks the caller's ID token, and no grant opens it to everyone.
    expect(attribute(service, 'invoker_iam_disabled')).toBeUndefined();
    const invokers = blocks.filter((candidate) => candidate.kind === 'resource' && /_iam_/.test(candidate.labels[0]!) && candidate.body.includes('google_cloud_run_v2_service.browser'));
    expect(invokers.map((grant) => grant.labels.join('.'))).toEqual(['google_cloud_run_v2_service_iam_member.function_browser']);
    // One call per instance (two runs never share a browser), in the second generation (Chromium's sandbox).
    expect(attribute(template, 'max_instance_request_concurrency')).toBe('local.topology.services.browser.concurrency');
    expect(topology.services.browser.concurrency).toBe(1);
    expect(attribute(template, 'execution_environment')).toBe('"EXECUTION_ENVIRONMENT_GEN2"');
    // Nothing in its environment: above all not the switch that would let its pages reach loopback.
    const container = nestedBlocks(template, 'containers')[0]!;
    expect(nestedBlocks(container, 'env')).toEqual([]);
    expect(service).not.toContain('AGENTLINE_OUTBOUND_ALLOW_LOOPBACK');
    // The functions reach it at its URL, with the ID token whose audience that URL is.
    expect(local('runtime_environment')).toMatch(/AGENTLINE_BROWSER\s*=\s*google_cloud_run_v2_service\.browser\.uri\n/);
  });

  it('runs the code-exec job in a network whose only way out is Google\'s private API range', () => {
    const job = resource('google_cloud_run_v2_job', 'code_exec').body;
    expect(job).toMatch(/egress\s*=\s*"ALL_TRAFFIC"/);
    expect(job).toMatch(/network\s*=\s*google_compute_network\.code_exec\.id/);
    expect(blocks.filter((candidate) => candidate.kind === 'resource' && /^google_compute_router(_nat)?$/.test(candidate.labels[0]!))).toEqual([]);
    const deny = resource('google_compute_firewall', 'code_exec_deny_egress').body;
    expect(oneLine(attribute(deny, 'destination_ranges'))).toBe('["0.0.0.0/0"]');
    const allow = resource('google_compute_firewall', 'code_exec_google_apis').body;
    expect(oneLine(attribute(allow, 'destination_ranges'))).toBe('["199.36.153.8/30"]');
    expect(Number(attribute(allow, 'priority'))).toBeLessThan(Number(attribute(deny, 'priority')));
  });
});
