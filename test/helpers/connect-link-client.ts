/**
 * A connect link used the way its page uses it, without a browser: `open()` makes the page's first
 * call (POST …/open) and keeps the binding cookie it sets; `call()` sends that cookie along, as the
 * browser would. Each client is one "browser": two clients of one link are two browsers.
 */
export interface ConnectLinkClient {
  /** The page's first call; the cookie it sets (if any) is kept. */
  open(check?: string): Promise<{ status: number; body: any }>;
  /** A request under the link (`path` relative to /connect/<token>), with the kept cookie. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  /** The cookie header this "browser" sends (empty before open). */
  cookie(): string;
  /** The Set-Cookie header of the open that bound the link. */
  setCookie(): string | undefined;
}

export function connectLinkClient(url: string, initialCookie = ""): ConnectLinkClient {
  let cookie = initialCookie;
  let setCookie: string | undefined;
  const call: ConnectLinkClient["call"] = async (method, path, body, headers = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const set = res.headers.get("set-cookie");
    if (set) {
      setCookie = set;
      cookie = set.split(";")[0]!;
    }
    const text = await res.text();
    const json = res.headers.get("content-type")?.includes("json");
    return { status: res.status, body: !text ? undefined : json ? JSON.parse(text) : text };
  };
  return {
    open: (check) => call("POST", "/open", check === undefined ? {} : { check }),
    call,
    cookie: () => cookie,
    setCookie: () => setCookie,
  };
}
