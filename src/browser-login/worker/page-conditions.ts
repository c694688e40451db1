import type { BrowserSession, BrowserSessionEvent } from "../../browser/browser-adapter.ts";
import type { PageCondition } from "../../providers/site-conditions.ts";
import { oneCheckAtATime } from "./one-check-at-a-time.ts";
import type { PageDevTools } from "./page-devtools.ts";

/**
 * Watches page conditions (src/providers/site-conditions.ts) over every tab of a session: checked
 * when the browser reports something (a navigation, a response, a storage write) and, for
 * conditions on what a page shows, polled too, since a page that draws a new step raises no event.
 * A tab's elements and text are read in the worker's isolated world, one read per tab per check
 * whatever the number of conditions, and only booleans come back: the page's text stays in the page.
 */
export interface PageConditionWatcher {
  /**
   * Calls `onHold` with the tab the condition holds on, once, then forgets the condition; response
   * leaves count responses from now on. Returns a function that forgets it sooner.
   */
  watch(condition: PageCondition, onHold: (pageId: string) => void): () => void;
  stop(): void;
}

type Leaf = Exclude<PageCondition, { all: unknown } | { any: unknown }>;
type ResponseLeaf = Extract<Leaf, { response: unknown }>;

interface Entry {
  condition: PageCondition;
  leaves: Leaf[];
  seen: Set<ResponseLeaf>;
  onHold: (pageId: string) => void;
}

/** What one read of a tab found: for each selector whether it shows an element, for each text whether the page says it. */
interface TabReading {
  pageId: string;
  url: string;
  elements: Map<string, boolean>;
  texts: Map<string, boolean>;
}

export function createPageConditionWatcher(
  session: BrowserSession,
  devtools: PageDevTools,
  options: { pollMs?: number } = {},
): PageConditionWatcher {
  const entries = new Set<Entry>();
  let stopped = false;
  const check = oneCheckAtATime(checkOnce, () => stopped);

  const onEvent = (event: BrowserSessionEvent) => {
    if (event.type === "disconnected") return;
    if (event.type === "response")
      for (const entry of entries)
        for (const leaf of entry.leaves) if ("response" in leaf && responseMatches(leaf, event)) entry.seen.add(leaf);
    void check();
  };
  const unsubscribe = session.onEvent(onEvent);
  const poll = setInterval(() => {
    if ([...entries].some((e) => e.leaves.some((l) => "element" in l || "text" in l))) void check();
  }, options.pollMs ?? 500);

  async function read(leaves: Leaf[]): Promise<TabReading[]> {
    const selectors = [...new Set(leaves.flatMap((l) => ("element" in l ? [l.element] : [])))];
    const texts = [...new Set(leaves.flatMap((l) => ("text" in l ? [l.text] : [])))];
    return Promise.all(
      session.pages().map(async ({ pageId, url }) => {
        const reading: TabReading = { pageId, url, elements: new Map(), texts: new Map() };
        if (selectors.length + texts.length === 0) return reading;
        const tab = await devtools.tab(pageId);
        const found = await tab
          ?.evaluate<{ e: boolean[]; t: boolean[] }>(readExpression(selectors, texts))
          .catch(() => undefined);
        for (const [i, selector] of selectors.entries()) reading.elements.set(selector, found?.e[i] === true);
        for (const [i, text] of texts.entries()) reading.texts.set(text, found?.t[i] === true);
        return reading;
      }),
    );
  }

  /** Reads the pages once for every watched condition; a condition that holds is reported and dropped. */
  async function checkOnce() {
    const watched = [...entries];
    if (watched.length === 0) return;
    const readings = await read(watched.flatMap((e) => e.leaves));
    for (const entry of watched) {
      if (stopped || !entries.has(entry)) continue;
      const tab = readings.find((r) => holds(entry.condition, r, entry.seen));
      if (!tab) continue;
      entries.delete(entry);
      entry.onHold(tab.pageId);
    }
  }

  const watcher: PageConditionWatcher = {
    watch(condition, onHold) {
      const entry: Entry = { condition, leaves: collectLeaves(condition), seen: new Set(), onHold };
      if (stopped) return () => {};
      entries.add(entry);
      void check();
      return () => entries.delete(entry);
    },
    stop() {
      stopped = true;
      entries.clear();
      unsubscribe();
      clearInterval(poll);
    },
  };
  return watcher;
}

function responseMatches(leaf: ResponseLeaf, response: { url: string; status: number }): boolean {
  if (!leaf.response.url.test(response.url)) return false;
  return leaf.response.status === undefined || [leaf.response.status].flat().includes(response.status);
}

function holds(node: PageCondition, tab: TabReading, seen: Set<ResponseLeaf>): boolean {
  if ("all" in node) return node.all.every((c) => holds(c, tab, seen));
  if ("any" in node) return node.any.some((c) => holds(c, tab, seen));
  if ("url" in node) return node.url.test(tab.url);
  if ("element" in node) return tab.elements.get(node.element) === true;
  if ("text" in node) return tab.texts.get(node.text) === true;
  return seen.has(node);
}

function collectLeaves(condition: PageCondition, into: Leaf[] = []): Leaf[] {
  if ("all" in condition) for (const c of condition.all) collectLeaves(c, into);
  else if ("any" in condition) for (const c of condition.any) collectLeaves(c, into);
  else into.push(condition);
  return into;
}

/**
 * The read run in a tab's isolated world: whether each selector shows an element (present and
 * rendered), and whether the page's visible text holds each text (lower case, spaces collapsed, as
 * the provider schema normalises them). A selector the browser refuses shows nothing.
 */
function readExpression(selectors: string[], texts: string[]): string {
  return `(() => {
  const selectors = ${JSON.stringify(selectors)}, texts = ${JSON.stringify(texts)};
  const shown = (selector) => {
    let found;
    try { found = document.querySelectorAll(selector); } catch { return false; }
    for (const el of found) if (el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0) return true;
    return false;
  };
  const said = texts.length && document.body ? document.body.innerText.toLowerCase().replace(/\\s+/g, " ") : "";
  return { e: selectors.map(shown), t: texts.map((text) => said.includes(text)) };
})()`;
}
