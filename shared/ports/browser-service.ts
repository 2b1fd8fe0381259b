import type { BrowseOutcome, BrowseRequest } from '../browser/browse-request.ts';

/**
 * Where `browse` calls run (docs/architecture.md, "Browser"): a headless Chromium in this process
 * on the local stack, the browser service's container where it is deployed. What the pages did,
 * failed actions included, is in the outcome. A call that could not be made throws a
 * `ToolFailure` that says whether its actions may have run (`browse` is done at most once, so it
 * is never retried behind the model's back).
 */
export interface BrowserService {
  browse(request: BrowseRequest): Promise<BrowseOutcome>;
}
