export const usage = `Usage:
  agentline dev [--port N]
      Start the local stack (Pub/Sub and Firestore emulators, all functions) in the foreground.
  agentline run <agent.yaml | agent name> (--input "<text>" | --input-file <path | ->) [--run-config '<json>']
                [--file <path>]... [--save-files <dir>] [--session <id>] [--user <id>] [--callback <url>] [--json]
                [--timeout <seconds>] [--fallback-replay <recording.json>]
      Run an agent once through the runs API and follow it: an ADK Agent Config file, or a
      registered agent by resource name (projects/P/locations/L/collections/C/engines/E/agents/A),
      run as --user (default $USER), which must be allowed to run it. Uses a running \`agentline dev\`
      stack if there is one, otherwise starts (and stops) an ephemeral one. Exit status 0 only
      when the run SUCCEEDED. --fallback-replay serves a recorded Gemini conversation when no
      model credentials are set (GEMINI_API_KEY, GOOGLE_API_KEY or Vertex AI settings). --callback
      POSTs the result, signed with --user's callback secret, to <url> when the run ends (delivered
      by the stack: an ephemeral one stops when the run ends, so use \`agentline dev\` to see retries).
      --file gives the run a file (repeatable; 10 MB in all), shown to the model and to execute_code
      by its name; the files the run ends with (a chart its code drew) are listed, and --save-files
      saves them under <dir>.
  agentline tools list [agent.yaml | agent name] [--user <id>] [--json]
      Every tool the agent would get (every built-in without one): its source (built-in,
      sub-agent), whether a redelivered step may call it again, and the authorization a call
      needs. A registered agent is read through the API of the running dev stack (or an ephemeral one).
  agentline callbacks secret [--user <id>]
      Print --user's (default $USER) Standard Webhooks secret for result callbacks, to verify them.
  agentline runs list [--filter '<filter>'] [--page-size N] [--page-token T] [--user <id>] [--json]
      --user's runs, newest first, one line each; --filter like 'state = "FAILED" AND session_id = "s1"'
      (fields agent, state, session_id, create_time; joined by AND).
  agentline runs get <run> [--user <id>]
      The run's JSON view (its error, output, callback attempts).
  agentline runs watch <run> [--user <id>] [--timeout <seconds>] [--json]
      Follow a run until it ends (default at most a day): progress, then the outcome as run prints
      it. Exit status 0 only when it SUCCEEDED.
  agentline runs cancel <run> [--reason <text>] [--user <id>] [--timeout <seconds>] [--json]
      Cancel a run: it ends CANCELLED at once (a parked or waiting run too); steps in flight stop
      at their next commit. Waits until the run has ended; exit status 0 when it ended CANCELLED.
      The runs commands use the runs API of the running dev stack (or an ephemeral one); every
      run-related failure names the command that shows more (agentline runs get <run>).
  agentline schedules create <agent name>/schedules/<id> --cron '<5 fields>' --time-zone <IANA zone> --input "<text>"
                             [--run-config '<json>'] [--session <id>] [--overlap SKIP|ALLOW] [--catch-up LATEST|SKIP|ALL] [--body <schedule.json>]
  agentline schedules get|pause|resume|delete <schedule name>
  agentline schedules list <agent name> [--page-size N] [--page-token T]
  agentline schedules patch <schedule name> [--cron ...] [--time-zone ...] [--input ...] [--body <schedule.json>] [--update-mask a,b]
  agentline schedules run-now <schedule name> [--request-id <id>]
  agentline schedules fires <schedule name> [--page-size N] [--page-token T]
      Call the schedules API of the running dev stack (or an ephemeral one) as --user (default
      $USER). run-now starts one fire now (the same --request-id never starts a second); fires
      lists every fire with the run it started or why it did not. Prints the JSON answer.
  agentline batches create --agent <agent name | agent.yaml> (--items-file <items.jsonl> | --items '<JSON list>')
                           [--template '<input template>'] [--concurrency N] [--run-config '<json>'] [--callback <url>]
                           [--request-id <id>] [--no-wait]
  agentline batches get|cancel <batch>      agentline batches list
  agentline batches report <batch> [--out <report.jsonl>]
      Run one agent over many items through the batches API of the running dev stack (or an
      ephemeral one) as --user: create follows the batch with a progress bar until it ends (exit
      status 0 only when it SUCCEEDED); report writes every item's outcome as JSON Lines, then the totals.
      --callback POSTs the batch's outcome, signed with --user's callback secret, to <url> when it ends.
  agentline migrate
      Bring a deployment's Firestore data (GOOGLE_CLOUD_PROJECT, Application Default Credentials)
      up to this version; idempotent. Local stacks migrate their own data as they start.
  agentline agents create <agent name> --agent-config <agent.yaml> --display-name <text> --description <text>
                          [--body <agent.json>]
  agentline agents get|delete|view <agent name>
  agentline agents list <parent> [--page-size N] [--page-token T] [--order-by "displayName desc"]
  agentline agents patch <agent name> [--body <agent.json>] [--display-name ...] [--update-mask a,b]
  agentline agents deploy <agent name> [--private] [--force] [--no-wait]
  agentline agents enable|disable <agent name>
  agentline agents suspend <agent name> --reason "<shown to users>"
  agentline agents operation <operation name>
  agentline agents grant|revoke <user id> --authorization <name> --admin
  agentline agents authorizations <user id>
      Call the agents API of the running dev stack (or an ephemeral one) as --user (default
      $USER; --admin for an administrator) with a local token. deploy waits for its operation
      unless --no-wait. Prints the JSON answer; exit status 1 on an API error.
`;

/** A mistake in how the CLI was called: reported with the usage text, exit status 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
