import type { BrowserSession, BrowserSessionEvent } from "../../browser/browser-adapter.ts";
import type { CapturedState } from "../../credentials/captured-state.ts";
import type { BrowserLoginProvider, FailureResponse, SuccessCondition } from "../../providers/provider-schema.ts";
import { oneCheckAtATime } from "./one-check-at-a-time.ts";

export interface SuccessWatcher {
  /** Resolves when the provider's success condition has held for its settle time. */
  readonly succeeded: Promise<void>;
  stop(): void;
}

export interface WatchOptions {
  /**
   * A page matched one of the provider's failure URLs, or a response one of its failure responses
   * (wrong password): the login goes on. A response says when its request was sent (the browser's
   * clock), when the adapter knows.
   */
  onLoginRejected?: (rejection: LoginRejection) => void;
  /** How often to re-check without an event. Cookies set by scripts raise no event, so they are polled. */
  fallbackPollMs?: number;
  cookiePollMs?: number;
  /** The caller gave up: the watcher stops, and one aborted during its baseline never starts. */
  signal?: AbortSignal;
  /**
   * Compare with nothing: a cookie or storage leaf holds when present. For credential checks, where
   * the state was seeded before the page loaded and "appeared since the login page" means nothing.
   */
  presence?: boolean;
  /**
   * Compare with this state instead of the page as it loaded: a cookie or storage leaf holds when the
   * site wrote a value other than this one. For the default credential check, which judges a seeded
   * browser by the success condition itself (credential-checks/default-check.ts).
   */
  baseline?: CapturedState;
}

export type LoginRejection = { by: "url"; url: string } | { by: "response"; url: string; requestedAt?: number };

/** What the condition needs to compare against: cookies and storage as they were on the login page. */
interface Baseline {
  cookies: Map<string, string>;
  storage: Map<string, string>;
}

/**
 * Checks the provider's success condition whenever the browser reports something that could make
 * it true (a navigation on any page, a response, a storage write), coalescing bursts of events
 * into one check at a time.
 */
export async function watchForSuccess(
  session: BrowserSession,
  provider: BrowserLoginProvider,
  options: WatchOptions = {},
): Promise<SuccessWatcher> {
  const condition = provider.success;
  const leaves = collectLeaves(condition);
  const seenResponses = new Set<number>();
  const baseline = options.presence
    ? { cookies: new Map(), storage: new Map() }
    : options.baseline
      ? baselineOf(options.baseline, leaves)
      : await takeBaseline(session, leaves);

  let stopped = false;
  let resolveSucceeded!: () => void;
  const succeeded = new Promise<void>((resolve) => (resolveSucceeded = resolve));
  let heldSince: number | undefined;
  let settleTimer: NodeJS.Timeout | undefined;

  /** Evaluates the condition once: held for settleMs, the login succeeded; held for less, a check is set for when it would be. */
  const checkOnce = async () => {
    const holds = await evaluate(condition, leaves, session, baseline, seenResponses).catch(() => false);
    if (stopped) return;
    if (!holds) {
      heldSince = undefined;
      clearTimeout(settleTimer);
      return;
    }
    heldSince ??= Date.now();
    const remaining = heldSince + provider.settleMs - Date.now();
    if (remaining <= 0) {
      stop();
      resolveSucceeded();
      return;
    }
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => void check(), remaining);
  };
  const check = oneCheckAtATime(checkOnce, () => stopped);

  const onEvent = (event: BrowserSessionEvent) => {
    if (event.type === "navigated") {
      if (provider.failureUrls.some((p) => p.test(event.url))) options.onLoginRejected?.({ by: "url", url: event.url });
    } else if (event.type === "response") {
      if (provider.failureResponses.some((f) => isFailureResponse(f, event)))
        options.onLoginRejected?.({ by: "response", url: event.url, requestedAt: event.requestedAt });
      leaves.forEach((leaf, index) => {
        if (
          "response" in leaf &&
          leaf.response.url.test(event.url) &&
          (leaf.response.status ?? event.status) === event.status
        ) {
          seenResponses.add(index);
        }
      });
    } else if (event.type === "disconnected") {
      return;
    }
    void check();
  };

  const unsubscribe = session.onEvent(onEvent);
  const pollMs = leaves.some((l) => "cookie" in l) ? (options.cookiePollMs ?? 250) : (options.fallbackPollMs ?? 1000);
  const poll = setInterval(() => void check(), pollMs);

  function stop() {
    stopped = true;
    unsubscribe();
    clearInterval(poll);
    clearTimeout(settleTimer);
    options.signal?.removeEventListener("abort", stop);
  }
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener("abort", stop, { once: true });

  void check();
  return { succeeded, stop };
}

/**
 * Whether a response is one of the provider's failure responses. No status listed means any 4xx: a
 * login endpoint turning the attempt down. A rule that names a method or a request header matches
 * only responses whose request is known to have had them.
 */
export function isFailureResponse(
  failure: FailureResponse,
  response: { url: string; status: number; method?: string; requestHeaders?: Record<string, string> },
): boolean {
  if (!failure.url.test(response.url)) return false;
  if (failure.method && response.method?.toUpperCase() !== failure.method) return false;
  if (failure.requestHeader) {
    const sent = response.requestHeaders?.[failure.requestHeader.name];
    if (sent === undefined) return false;
    if (failure.requestHeader.value !== undefined && sent !== failure.requestHeader.value) return false;
  }
  if (failure.status === undefined) return response.status >= 400 && response.status < 500;
  return [failure.status].flat().includes(response.status);
}

type Leaf = Exclude<SuccessCondition, { all: unknown } | { any: unknown }>;

function collectLeaves(condition: SuccessCondition, into: Leaf[] = []): Leaf[] {
  if ("all" in condition) for (const c of condition.all) collectLeaves(c, into);
  else if ("any" in condition) for (const c of condition.any) collectLeaves(c, into);
  else into.push(condition);
  return into;
}

const cookieId = (name: string, domain: string) => `${name}\u0000${domain.replace(/^\./, "")}`;
const storageId = (area: string, key: string, origin: string) => `${area}\u0000${key}\u0000${origin}`;

async function takeBaseline(session: BrowserSession, leaves: Leaf[]): Promise<Baseline> {
  const baseline: Baseline = { cookies: new Map(), storage: new Map() };
  if (leaves.some((l) => "cookie" in l)) {
    for (const c of await session.cookies()) baseline.cookies.set(cookieId(c.name, c.domain), c.value);
  }
  for (const leaf of leaves) {
    if (!("storage" in leaf)) continue;
    for (const v of await session.readStorage(leaf.storage.area, leaf.storage.key)) {
      baseline.storage.set(storageId(leaf.storage.area, leaf.storage.key, v.origin), v.value);
    }
  }
  return baseline;
}

function baselineOf(state: CapturedState, leaves: Leaf[]): Baseline {
  const baseline: Baseline = { cookies: new Map(), storage: new Map() };
  for (const c of state.cookies) baseline.cookies.set(cookieId(c.name, c.domain), c.value);
  for (const leaf of leaves) {
    if (!("storage" in leaf)) continue;
    const { area, key } = leaf.storage;
    for (const origin of state.origins) {
      const item = origin[area].find((i) => i.name === key);
      if (item) baseline.storage.set(storageId(area, key, origin.origin), item.value);
    }
  }
  return baseline;
}

/** Evaluates the tree, reading cookies once per check however many cookie leaves there are. */
async function evaluate(
  condition: SuccessCondition,
  leaves: Leaf[],
  session: BrowserSession,
  baseline: Baseline,
  seenResponses: Set<number>,
): Promise<boolean> {
  let cookies: Promise<Awaited<ReturnType<BrowserSession["cookies"]>>> | undefined;
  const test = async (node: SuccessCondition): Promise<boolean> => {
    if ("all" in node) {
      for (const child of node.all) if (!(await test(child))) return false;
      return true;
    }
    if ("any" in node) {
      for (const child of node.any) if (await test(child)) return true;
      return false;
    }
    if ("url" in node) return session.pages().some((p) => node.url.test(p.url));
    if ("response" in node) return seenResponses.has(leaves.indexOf(node));
    if ("cookie" in node) {
      const { name, domain } = node.cookie;
      cookies ??= session.cookies();
      const all = await cookies;
      return all.some(
        (c) =>
          c.name === name &&
          (!domain || c.domain.replace(/^\./, "") === domain.replace(/^\./, "")) &&
          baseline.cookies.get(cookieId(c.name, c.domain)) !== c.value,
      );
    }
    const { area, key, origin } = node.storage;
    const values = await session.readStorage(area, key);
    return values.some(
      (v) =>
        (!origin || new URL(origin).origin === v.origin) &&
        baseline.storage.get(storageId(area, key, v.origin)) !== v.value,
    );
  };
  return test(condition);
}
