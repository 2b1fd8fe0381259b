/**
 * Functions that run inside the page (passed to `page.evaluate`), kept apart and typed by the
 * little of the DOM they touch, since the project compiles without the DOM library.
 */
interface PageElement {
  readonly innerText?: string;
  readonly textContent: string | null;
  readonly href?: string;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
declare const document: PageElement & { readonly body: PageElement | null; readonly documentElement: { readonly scrollHeight: number }; readonly readyState: string };
declare const localStorage: { readonly length: number; key(index: number): string | null; getItem(key: string): string | null; setItem(key: string, value: string): void };

/** The visible text of the element `selector` matches, or of the page. */
export function visibleText(selector: string | undefined): string {
  const element = selector === undefined ? document.body : document.querySelector(selector);
  if (!element) throw new Error(`No element matches ${selector}`);
  return element.innerText ?? element.textContent ?? '';
}

/** The first `max` links inside `selector` (or the page): their text and absolute address, and how many there are. */
export function linksIn(selector: string | undefined, max: number): { total: number; links: { text: string; href: string }[] } {
  const root = selector === undefined ? document : document.querySelector(selector);
  if (!root) throw new Error(`No element matches ${selector}`);
  const anchors = Array.from(root.querySelectorAll('a[href]'));
  return { total: anchors.length, links: anchors.slice(0, max).map((anchor) => ({ text: (anchor.innerText ?? '').trim().slice(0, 200), href: anchor.href ?? '' })) };
}

export function documentHeight(): number {
  return document.documentElement.scrollHeight;
}

export function documentLoaded(): boolean {
  return document.readyState === 'complete';
}

export function writeLocalStorage(items: [string, string][]): void {
  for (const [key, value] of items) localStorage.setItem(key, value);
}

export function readLocalStorage(): [string, string][] {
  const items: [string, string][] = [];
  for (let index = 0; index < localStorage.length; index++) {
    const key = localStorage.key(index);
    if (key !== null) items.push([key, localStorage.getItem(key) ?? '']);
  }
  return items;
}
