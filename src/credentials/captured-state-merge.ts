import type { CapturedState, Cookie, OriginState, StorageItem } from "./captured-state.ts";

/**
 * What a browser opened on a stored state could see, so that what it did not see is kept as stored.
 * A browser reads the cookie jar whole, but web storage only for the origins it loaded (Playwright's
 * `storageState` reads localStorage of visited origins; sessionStorage lives in open tabs only).
 */
export interface MergeScope {
  /**
   * Origins the browser loaded: their localStorage (and IndexedDB) is read as it is now, so one the
   * capture holds nothing of was cleared by the site. Absent: the origins the capture holds.
   */
  visitedOrigins?: readonly string[];
  /**
   * The capture kept only these origins' cookies and storage (a provider's `origins`): cookies and
   * storage outside them are kept as stored. Absent or empty: the capture holds everything.
   */
  origins?: readonly string[];
}

/**
 * Folds what a browser opened on `stored` left behind (`captured`) into `stored`:
 * - cookies: the browser's jar is the truth for the cookies it could hold (it was seeded with all of
 *   them): the site's changes apply, cookies it removed or let expire are gone. Cookies outside the
 *   capture's origins are kept, expired ones dropped.
 * - localStorage and IndexedDB: an origin the browser loaded takes what the browser holds; any other
 *   origin keeps its stored storage.
 * - sessionStorage: what open tabs hold; an origin no open tab holds keeps its stored items (a tab
 *   that navigated away cannot be read, and that says nothing about whether the site cleared it).
 */
export function mergeCapturedState(
  stored: CapturedState,
  captured: CapturedState,
  scope: MergeScope = {},
  nowSeconds = Date.now() / 1000,
): CapturedState {
  const inScope = scopeTest(scope.origins);
  const keptCookies = stored.cookies.filter((c) => !inScope.cookie(c));
  const cookies = [...captured.cookies.filter((c) => inScope.cookie(c)), ...keptCookies].filter(
    (c) => c.expires <= 0 || c.expires > nowSeconds,
  );

  const capturedByOrigin = new Map(captured.origins.map((o) => [o.origin, o]));
  const visited = new Set(scope.visitedOrigins ?? captured.origins.map((o) => o.origin));
  const order = [...new Set([...stored.origins.map((o) => o.origin), ...captured.origins.map((o) => o.origin)])];
  const storedByOrigin = new Map(stored.origins.map((o) => [o.origin, o]));
  const origins: OriginState[] = [];
  for (const origin of order) {
    const before = storedByOrigin.get(origin);
    if (!inScope.origin(origin)) {
      // Outside what the capture kept: as stored, whatever the browser held there.
      if (before) origins.push(before);
      continue;
    }
    const after = capturedByOrigin.get(origin);
    const read = visited.has(origin) || after !== undefined;
    const localStorage = read ? (after?.localStorage ?? []) : (before?.localStorage ?? []);
    const sessionStorage = after?.sessionStorage.length ? after.sessionStorage : (before?.sessionStorage ?? []);
    const indexedDB = read && after?.indexedDB !== undefined ? after.indexedDB : before?.indexedDB;
    if (localStorage.length === 0 && sessionStorage.length === 0 && !indexedDB?.length) continue;
    origins.push({ origin, localStorage, sessionStorage, ...(indexedDB !== undefined ? { indexedDB } : {}) });
  }
  return { cookies, origins };
}

/** Whether two states hold the same values (order aside; cookie expiries within a second). */
export function sameState(a: CapturedState, b: CapturedState): boolean {
  if (a.cookies.length !== b.cookies.length || a.origins.length !== b.origins.length) return false;
  const cookiesOf = (state: CapturedState) => new Map(state.cookies.map((c) => [cookieKey(c), c]));
  const bCookies = cookiesOf(b);
  for (const cookie of a.cookies) {
    const other = bCookies.get(cookieKey(cookie));
    if (
      !other ||
      other.value !== cookie.value ||
      other.httpOnly !== cookie.httpOnly ||
      other.secure !== cookie.secure ||
      other.sameSite !== cookie.sameSite ||
      Math.abs(other.expires - cookie.expires) >= 1
    )
      return false;
  }
  const bOrigins = new Map(b.origins.map((o) => [o.origin, o]));
  for (const origin of a.origins) {
    const other = bOrigins.get(origin.origin);
    if (
      !other ||
      !sameItems(origin.localStorage, other.localStorage) ||
      !sameItems(origin.sessionStorage, other.sessionStorage) ||
      JSON.stringify(origin.indexedDB ?? null) !== JSON.stringify(other.indexedDB ?? null)
    )
      return false;
  }
  return true;
}

/** A cookie's identity in a jar (RFC 6265: name, domain, path). */
export const cookieKey = (c: Pick<Cookie, "name" | "domain" | "path">) => `${c.name}\u0000${c.domain}\u0000${c.path}`;

function sameItems(a: StorageItem[], b: StorageItem[]): boolean {
  if (a.length !== b.length) return false;
  const values = new Map(b.map((i) => [i.name, i.value]));
  return a.every((i) => values.get(i.name) === i.value);
}

/** Which cookies and origins a capture limited to `origins` could see (all when there is no limit). */
function scopeTest(origins: readonly string[] | undefined) {
  if (!origins?.length) return { cookie: () => true, origin: () => true };
  const wanted = new Set(origins.map((o) => new URL(o).origin));
  const hosts = [...wanted].map((o) => new URL(o).hostname);
  return {
    cookie: (c: Cookie) => {
      const domain = c.domain.replace(/^\./, "");
      return hosts.some((host) => host === domain || host.endsWith(`.${domain}`));
    },
    origin: (origin: string) => wanted.has(origin),
  };
}
