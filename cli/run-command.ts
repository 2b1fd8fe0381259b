import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import { contentTypeOfName } from '../shared/domain/artifacts/content-types.ts';
import type { InputFiles } from '../shared/agents-api/input-files.ts';
import { parseAgentConfigYaml } from '../shared/domain/agent-config.ts';
import { agentResourceNameForm, isAgentResourceName } from '../shared/domain/agent-resource-name.ts';
import { InvalidInputError } from '../shared/domain/errors.ts';
import { parseRunConfig } from '../shared/domain/run-config.ts';
import { submissionSchema, type Submission } from '../shared/domain/submission.ts';
import { describeIssues } from '../shared/domain/describe-issues.ts';
import { builtinToolNames } from '../shared/tools/builtin-tools.ts';
import { connectToStack } from './connect-to-stack.ts';
import { ApiError, createApiClient } from './api-client.ts';
import { namingRun, printOutcome, reportProgress, waitForRunEnd, type RunView } from './follow-run.ts';
import { parseTimeoutSeconds, readUtf8File, readUtf8Stdin } from './cli-options.ts';
import { readAgentConfigFile } from './read-agent-config-file.ts';
import { cliUserId } from './cli-user.ts';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { CliUsageError } from './usage.ts';

export interface RunCommandValues {
  input?: string | undefined;
  'input-file'?: string | undefined;
  'run-config'?: string | undefined;
  session?: string | undefined;
  callback?: string | undefined;
  user?: string | undefined;
  json?: boolean | undefined;
  timeout?: string | undefined;
  'fallback-replay'?: string | undefined;
  file?: string[] | undefined;
  'save-files'?: string | undefined;
}

/**
 * `agentline run <agent.yaml | agent resource name> --input ...`: validates everything it can
 * locally first (so mistakes are reported before any stack starts), creates the run through the
 * runs API as `--user` (a local token; the submission's idempotency key is the `requestId`, so a
 * retried create never starts a second run), follows it and prints the outcome. Progress comes
 * from the stack's store (the API lists no steps); the outcome from `:wait` long-polls, so what
 * `--json` prints is the API's view. A create the API refuses (an oversized agent: 413) is
 * reported at once with its reason. Exit status 0 only when the run SUCCEEDED.
 */
export async function runRunCommand(positionals: string[], values: RunCommandValues): Promise<number> {
  const submission = await buildSubmission(positionals, values);
  const timeoutMs = parseTimeoutSeconds(values.timeout ?? '300') * 1000;
  const write = (line: string) => process.stderr.write(`${line}\n`);
  const stack = await connectToStack({ fallbackReplay: values['fallback-replay'], write });
  try {
    const api = createApiClient(stack.apiUrl, await mintLocalToken(stack.localAuthSecret, { userId: submission.userId }));
    let created: RunView;
    try {
      created = await createWithRetries(api, submission);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.httpStatus >= 500) {
        write(`the runs API failed: ${error.message} (the run may have started: agentline runs list shows your runs)`);
        return 1;
      }
      write(`submission refused: ${error.message} (nothing was started; agentline runs list shows your runs)`);
      return 1;
    }
    const agentLabel = 'name' in submission.agent ? submission.agent.name : submission.agent.fileName;
    write(`run ${created.name.replace(/^runs\//, '')} created through the runs API at ${stack.apiUrl} as user ${submission.userId} (agent ${agentLabel})`);
    const progress = reportProgress(stack.deps.store, created.name.replace(/^runs\//, ''), write);
    try {
      const run = await waitForRunEnd(api, created.name, { deadline: Date.now() + timeoutMs });
      await progress.stop();
      const status = printOutcome(run, values.json);
      await reportFiles(api, created.name, values['save-files'], write);
      return status;
    } catch (error) {
      await progress.stop().catch(() => {});
      throw namingRun(error, created.name);
    }
  } finally {
    await stack.close();
  }
}

/**
 * Creates the run, trying a server error again with the same requestId: the create may have
 * published before it failed, and the same requestId never starts a second run.
 */
export async function createWithRetries(api: ReturnType<typeof createApiClient>, submission: Submission): Promise<RunView> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await api.call('POST', 'runs', { query: { requestId: submission.idempotencyKey }, body: toCreateRunBody(submission) })) as RunView;
    } catch (error) {
      if (!(error instanceof ApiError) || error.httpStatus < 500 || attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

/** The body of `POST /v1/runs` for a submission: what the caller may set (the API adds who it is). */
export function toCreateRunBody(submission: Submission & { files?: InputFiles }): Record<string, unknown> {
  const { agent, input, runConfig, sessionId, deadline, callback, files } = submission;
  return { agent, input, runConfig, sessionId, deadline, callback, ...(files?.length ? { files } : {}) };
}

type CliSubmission = Submission & { agent: { configYaml: string; fileName: string } | { name: string }; userId: string; files?: InputFiles };

/**
 * Lists the files the run's scope holds once the run has ended (what code wrote, the input
 * files) and, with `--save-files DIR`, saves each under DIR by its name. A stack without an
 * artifact store has none to list.
 */
async function reportFiles(api: ReturnType<typeof createApiClient>, run: string, saveTo: string | undefined, write: (line: string) => void): Promise<void> {
  let listed: { name: string; contentType: string; bytes: number }[];
  try {
    listed = ((await api.call('GET', `${run}/artifacts`))['artifacts'] ?? []) as typeof listed;
  } catch (error) {
    if (error instanceof ApiError && error.status === 'FAILED_PRECONDITION') return;
    throw error;
  }
  for (const file of listed) {
    const path = saveTo === undefined ? undefined : safeJoin(saveTo, file.name);
    if (path) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, await api.download(`${run}/artifacts/${file.name.split('/').map(encodeURIComponent).join('/')}`));
    }
    write(`file ${file.name} (${file.contentType}, ${file.bytes} bytes)${path ? ` saved to ${path}` : ''}`);
  }
  if (listed.length > 0 && saveTo === undefined) write('(--save-files <dir> saves them)');
}

/** `name` under `folder`; artifact names are relative paths without `..`, checked again here. */
function safeJoin(folder: string, name: string): string {
  const root = resolve(folder);
  const path = resolve(root, name);
  if (!path.startsWith(`${root}${sep}`)) throw new InvalidInputError(`The file name ${name} would be saved outside ${folder}`);
  return path;
}

/** `--file <path>` (repeatable): each file by its base name, its type from its extension, in base64. */
async function readInputFiles(paths: readonly string[]): Promise<InputFiles> {
  return Promise.all(
    paths.map(async (path) => {
      const data = await readFile(path).catch((error: NodeJS.ErrnoException) => {
        throw new CliUsageError(`--file ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
      });
      return { name: basename(path), contentType: contentTypeOfName(path), data: data.toString('base64') };
    }),
  );
}

/** The submission `agentline run` publishes; exported for tests. */
export async function buildSubmission(positionals: string[], values: RunCommandValues): Promise<CliSubmission> {
  if (positionals.length !== 1) {
    throw new CliUsageError('run takes exactly one agent (a YAML file or a registered agent name): agentline run <agent.yaml | agent name> --input "<text>"');
  }
  parseTimeoutSeconds(values.timeout ?? '300');
  const input = await readInput(values);
  const agent = await resolveAgentArgument(positionals[0]!);
  const runConfig = parseRunConfigOption(values['run-config']);
  const submission = {
    schemaVersion: 1 as const,
    agent,
    input,
    ...(runConfig ? { runConfig } : {}),
    ...(values.session ? { sessionId: values.session } : {}),
    ...(values.callback ? { callback: { url: values.callback } } : {}),
    userId: cliUserId(values.user),
    idempotencyKey: randomUUID(),
  };
  const checked = submissionSchema.safeParse(submission);
  if (!checked.success) throw new InvalidInputError(`Invalid run: ${describeIssues(checked.error.issues)}`);
  const files = values.file?.length ? await readInputFiles(values.file) : undefined;
  return { ...submission, ...(files ? { files } : {}) };
}

/**
 * The run's input: `--input "<text>"`, or `--input-file <path>` (`-` for standard input) for text
 * too big for an argument; exactly one. Read strictly as UTF-8. An argument has already been
 * decoded by the OS, with invalid bytes replaced by U+FFFD, so that character is refused there.
 */
async function readInput(values: RunCommandValues): Promise<string> {
  const inputFile = values['input-file'];
  if (values.input !== undefined && inputFile !== undefined) throw new CliUsageError('give the input once: --input "<text>" or --input-file <path | ->, not both');
  if (inputFile !== undefined) {
    const input = inputFile === '-' ? await readUtf8Stdin() : await readUtf8File(inputFile, '--input-file');
    if (input.trim() === '') throw new CliUsageError(`--input-file ${inputFile} is empty`);
    return input;
  }
  if (values.input === undefined || values.input === '') throw new CliUsageError('--input "<text>" (or --input-file <path | ->) is required');
  if (values.input.includes('\uFFFD')) {
    throw new InvalidInputError('--input contains U+FFFD, the mark of bytes that were not valid UTF-8; fix the text or pass it with --input-file');
  }
  return values.input;
}

/** A registered agent's resource name, or the path of an ADK Agent Config YAML file (validated here). */
async function resolveAgentArgument(argument: string): Promise<CliSubmission['agent']> {
  if (isAgentResourceName(argument)) return { name: argument };
  if (argument.startsWith('projects/')) {
    throw new InvalidInputError(`"${argument}" is not an agent resource name; expected ${agentResourceNameForm}`);
  }
  const configYaml = await readAgentConfigFile(argument, 'agent');
  parseAgentConfigYaml(configYaml, { fileName: argument, availableTools: builtinToolNames });
  return { configYaml, fileName: basename(argument) };
}

function parseRunConfigOption(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`--run-config is not valid JSON: ${(error as Error).message}`);
  }
  parseRunConfig(json, { onWarning: (warning) => process.stderr.write(`warning: ${warning}\n`) });
  return json as Record<string, unknown>;
}
