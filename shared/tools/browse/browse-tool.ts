import { z } from 'zod';
import { browseActionsSchema, browseLimits, browserStateSchema, type BrowseOutcome, type BrowserState } from '../../browser/browse-request.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { BrowserService } from '../../ports/browser-service.ts';
import { artifactScopeOfCall } from '../artifact-scope-of-call.ts';
import { savedOnce } from '../saved-once.ts';
import { OutputWithFiles, ToolFailure, type NonRepeatableTool, type ToolContext } from '../tool.ts';

export const browseToolName = 'browse';

export const browseInputSchema = z.object({
  actions: browseActionsSchema.describe(`What to do in the browser tab, in order (at most ${browseLimits.actions})`),
  keep_session: z
    .boolean()
    .default(true)
    .describe("Start from the cookies and storage this run's earlier browse calls left (a login), and keep this call's for the next"),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1 to 64 letters, digits, _ or -, starting with a letter or digit')
    .default('screenshot')
    .describe('The file name screenshots are saved under (<name>.png, or <name>-1.png, <name>-2.png… for several)'),
});
export type BrowseInput = z.infer<typeof browseInputSchema>;

/** Where a run's cookies and storage are kept between its calls: a private record of its scope. */
export function browserStateArtifactName(runId: string): string {
  return `browser-sessions/${runId}.json`;
}

/** A call ends this long before its attempt's lease does, and is started only when it would get `shortestCallMs` (a browser's start-up and wrap-up take 4 s). */
const leaseMarginMs = 5_000;
const shortestCallMs = 8_000;

/**
 * `browse` (docs/architecture.md, "Browser"): runs a sequence of actions in a fresh headless
 * Chromium, keeps its screenshots as the run's files and shows them to the model, and keeps the
 * cookies and storage for the run's next call. Non-repeatable: a click may submit a form, so a
 * call is done at most once; after a crash its retry cannot know what the page did and says so.
 */
export function createBrowseTool(browser: BrowserService | undefined, artifacts: ArtifactStore | undefined): NonRepeatableTool<BrowseInput> {
  return {
    name: browseToolName,
    description:
      'Uses a web browser: opens pages, waits for, clicks and types into elements, reads text and links, and takes ' +
      'screenshots you can see (also saved as files of this run). Cookies and storage stay for the rest of the run, ' +
      'so a later call continues a login. Only public web addresses can be reached.',
    inputSchema: browseInputSchema,
    repeatable: false,
    async execute(input, context) {
      if (!browser || !artifacts) throw new ToolFailure('The browser is not set up on this deployment');
      const timeoutMs = Math.min(browseLimits.callMs, context.deadline - context.now() - leaseMarginMs);
      if (timeoutMs < shortestCallMs) throw new ToolFailure("browse was not started: its step's time was nearly over; call it again");
      // Nothing has run yet: a store that fails now is a tool error saying so, never a retry that
      // the step would then report as an interrupted call.
      const state = input.keep_session
        ? await keptState(artifacts, context).catch((error: unknown) => {
            throw new ToolFailure(`browse was not started: this run's kept cookies could not be read (${(error as Error).message}); nothing was done, call again`);
          })
        : undefined;
      const outcome = await browser.browse({ actions: input.actions, timeoutMs, ...(state ? { state } : {}) });
      return answer(outcome, input, context, artifacts);
    },
    async reconcile() {
      return {
        happened: true,
        output: { error: 'The browser call was interrupted (its step stopped before it answered): its actions may or may not have taken effect. Browse again to see where things stand.' },
      };
    },
  };
}

async function keptState(artifacts: ArtifactStore, context: ToolContext): Promise<BrowserState | undefined> {
  const stored = await artifacts.load(artifactScopeOfCall(context), browserStateArtifactName(context.runId));
  if (!stored) return undefined;
  // A record that cannot be read is as good as none: the call starts without a session.
  let json: unknown;
  try {
    json = JSON.parse(stored.data.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = browserStateSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

async function answer(outcome: BrowseOutcome, input: BrowseInput, context: ToolContext, artifacts: ArtifactStore): Promise<OutputWithFiles> {
  const provenance = { runId: context.runId, stepId: context.stepId, tool: browseToolName };
  const several = outcome.screenshots.length > 1;
  const files = [];
  const results = [...outcome.results];
  // The actions have run: a file that cannot be saved now is said in the answer, never thrown,
  // which would lose what the call did and retry it as interrupted.
  for (const [index, shot] of outcome.screenshots.entries()) {
    const name = several ? `${input.name}-${index + 1}.png` : `${input.name}.png`;
    try {
      const file = await savedOnce(artifacts, context, { name, data: shot.png, contentType: 'image/png', provenance });
      files.push({ name: file.name, version: file.version, contentType: file.contentType });
      results[shot.action] = { ...results[shot.action], file: file.name, version: file.version };
    } catch (error) {
      results[shot.action] = { ...results[shot.action], file_error: `not saved: ${(error as Error).message}` };
    }
  }
  let session: string;
  if (!input.keep_session) session = 'not kept (keep_session was false)';
  else if (!outcome.state) session = `not updated: ${outcome.stateNote ?? 'no cookies were read'}; the next call starts from the session kept before`;
  else {
    const data = Buffer.from(JSON.stringify(outcome.state));
    session = await savedOnce(artifacts, context, { name: browserStateArtifactName(context.runId), data, contentType: 'application/json', provenance }).then(
      () => 'kept for the next browse call of this run',
      (error: unknown) => `not updated: it could not be saved (${(error as Error).message})`,
    );
  }
  const output = {
    url: outcome.url,
    title: outcome.title,
    results,
    ...(outcome.error ? { error: { ...outcome.error, message: `Action ${outcome.error.action} failed: ${outcome.error.message}` } } : {}),
    ...(outcome.refused.length > 0 ? { refused: outcome.refused } : {}),
    session,
  };
  return new OutputWithFiles(output, files);
}
