import { z } from 'zod';

/** What one `browse` call may do and return (docs/architecture.md, "Browser"). */
export const browseLimits = {
  actions: 20,
  /** Documents the tab may load in one call, redirects included. */
  pages: 10,
  screenshots: 4,
  /** Characters of text one `read_text` returns, and all of them together. */
  textPerAction: 10_000,
  text: 30_000,
  links: 100,
  /** Bytes the pages may receive from the network in one call, and what those may unpack to (gzip). */
  transferBytes: 32 * 1024 * 1024,
  /** Resident memory of the whole browser (every process): the service's instance has 2 GiB. */
  memoryBytes: 1280 * 1024 * 1024,
  /** The longest a call runs (less when its step's lease ends sooner), and one action within it. */
  callMs: 45_000,
  actionMs: 15_000,
  /** Bytes of PNG one call's screenshots may add up to: the answer must stay well under Cloud Run's 32 MiB response. */
  screenshotBytes: 16 * 1024 * 1024,
  /** The tallest full-page screenshot; a longer page is cut there. */
  screenshotHeight: 4_000,
  /** Cookies and local storage kept between calls of a run. */
  stateBytes: 1024 * 1024,
  viewport: { width: 1280, height: 800 },
} as const;

export const browseActionKinds = ['open', 'wait_for', 'click', 'type', 'read_text', 'extract_links', 'screenshot'] as const;

const needsSelector = new Set(['wait_for', 'click', 'type']);

/**
 * One step of a `browse` call. Flat (one object with an `action` and the fields it uses) rather
 * than a union, because models fill a flat schema far more reliably.
 */
export const browseActionSchema = z
  .object({
    action: z.enum(browseActionKinds).describe(
      'open: load url. wait_for: wait until selector is on the page. click: click selector. type: type text into selector ' +
        '(press_enter to submit). read_text: the visible text of selector, or of the page. extract_links: the links inside ' +
        'selector, or on the page. screenshot: an image of the page (full_page for all of it), or of selector.',
    ),
    url: z.string().max(2_048).optional().describe('open: an http or https URL'),
    selector: z.string().min(1).max(1_000).optional().describe('A CSS selector'),
    text: z.string().max(10_000).optional().describe('type: the text to type'),
    press_enter: z.boolean().optional().describe('type: press Enter after typing'),
    full_page: z.boolean().optional().describe('screenshot: the whole page, not only the visible part'),
  })
  .superRefine((action, context) => {
    if (action.action === 'open') {
      if (action.url === undefined) return context.addIssue({ code: 'custom', message: 'open needs a url', path: ['url'] });
      let url: URL;
      try {
        url = new URL(action.url);
      } catch {
        return context.addIssue({ code: 'custom', message: `${action.url} is not a URL`, path: ['url'] });
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        context.addIssue({ code: 'custom', message: `only http and https URLs can be opened, not ${url.protocol}`, path: ['url'] });
      }
    }
    if (needsSelector.has(action.action) && action.selector === undefined) {
      context.addIssue({ code: 'custom', message: `${action.action} needs a selector`, path: ['selector'] });
    }
    if (action.action === 'type' && action.text === undefined) context.addIssue({ code: 'custom', message: 'type needs text', path: ['text'] });
  });
export type BrowseAction = z.infer<typeof browseActionSchema>;

export const browseActionsSchema = z.array(browseActionSchema).min(1).max(browseLimits.actions);

const cookieSchema = z.object({
  name: z.string(),
  value: z.string(),
  domain: z.string(),
  path: z.string(),
  expires: z.number(),
  httpOnly: z.boolean(),
  secure: z.boolean(),
  sameSite: z.enum(['Strict', 'Lax', 'None']).optional(),
});

/** Cookies and each origin's local storage: what a later call of the run continues from (a login). */
export const browserStateSchema = z.object({
  cookies: z.array(cookieSchema).max(1_000),
  origins: z.array(z.object({ origin: z.string().max(2_048), localStorage: z.array(z.tuple([z.string(), z.string()])).max(1_000) })).max(50),
});
export type BrowserState = z.infer<typeof browserStateSchema>;

export const emptyBrowserState: BrowserState = { cookies: [], origins: [] };

/** What the browser is asked to do: the actions, from the state a previous call left, within a time. */
export const browseRequestSchema = z.strictObject({
  actions: browseActionsSchema,
  state: browserStateSchema.optional(),
  /** How long the call may take, at most `browseLimits.callMs`. */
  timeoutMs: z.number().int().positive().max(browseLimits.callMs),
});
export type BrowseRequest = z.infer<typeof browseRequestSchema>;

/** A screenshot taken by the action at `action` (its index). */
export interface BrowseScreenshot {
  action: number;
  png: Buffer;
  width: number;
  height: number;
}

/** What came of a call: each action's result in order, up to the one that failed (then `error`). */
export interface BrowseOutcome {
  results: Record<string, unknown>[];
  error?: { action: number; message: string };
  screenshots: BrowseScreenshot[];
  /** Where the tab was when the call ended. */
  url: string;
  title: string;
  /** Requests the address policy refused: the page or its parts that were not loaded. */
  refused: { url: string; reason: string }[];
  /** Cookies and storage after the call; undefined, with `stateNote` saying why, when they could not be read or kept. */
  state: BrowserState | undefined;
  stateNote?: string;
}

/** The outcome as JSON (screenshots base64): what the browser service answers. */
export const browseOutcomeWireSchema = z.strictObject({
  results: z.array(z.record(z.string(), z.unknown())),
  error: z.object({ action: z.number().int(), message: z.string() }).optional(),
  screenshots: z.array(z.object({ action: z.number().int(), png: z.base64(), width: z.number().int(), height: z.number().int() })),
  url: z.string(),
  title: z.string(),
  refused: z.array(z.object({ url: z.string(), reason: z.string() })),
  state: browserStateSchema.optional(),
  stateNote: z.string().optional(),
});
