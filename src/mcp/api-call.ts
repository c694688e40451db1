import { withoutSecrets } from "../core/without-secrets.ts";
import { cookieHeaderFor } from "../credential-checks/cookie-header.ts";
import type { AddressPolicy } from "../network/address-policy.ts";
import { checkOutboundUrl } from "../network/outbound-url.ts";
import { pinnedRequest } from "../network/pinned-request.ts";
import { fillTemplate, type Provider, type ProviderApi } from "../providers/provider-schema.ts";
import type { OpenedCredential } from "./connections.ts";

/** A request an agent asks call_api to make: a URL under the provider's `api.baseUrls` (or a path relative to the first). */
export interface ApiCallRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface ApiCallAnswer {
  status: number;
  /** The answer's descriptive headers (content type, caching, rate limits, location); never a cookie. */
  headers: Record<string, string>;
  /** Text for textual content types, base64 otherwise; any value of the credential cut out. */
  body: string;
  bodyEncoding: "text" | "base64";
  /** The body was longer than MCP_CALL_API_MAX_BYTES: what is here is its start. */
  truncated: boolean;
}

export type ApiCallOutcome =
  | { ok: true; answer: ApiCallAnswer }
  | { ok: false; code: "no_api" | "url_not_allowed" | "header_not_allowed" | "unreachable"; message: string };

/** Headers the credential, or the connection itself, owns: an agent cannot set them. */
const RESERVED = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
]);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,8192}$/;
const ANSWER_HEADERS =
  /^(content-type|content-language|cache-control|etag|last-modified|location|retry-after|link|date|x-ratelimit-.*|ratelimit.*|x-request-id)$/;
const TEXT = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|graphql)\b)/i;
/** Cookie values shorter than this ("1", "dark") are too common in any text to cut out without mangling it. */
const SHORTEST_SECRET = 8;

/** Whether `url` lies under `base`: same origin, and the base's path as a whole-segment prefix. */
export function underBase(url: URL, base: URL): boolean {
  if (url.origin !== base.origin) return false;
  if (base.pathname.endsWith("/")) return url.pathname.startsWith(base.pathname);
  return url.pathname === base.pathname || url.pathname.startsWith(`${base.pathname}/`);
}

/** The URL an agent named, resolved against the first base URL, if it lies under one of them. */
export function allowedUrl(api: ProviderApi, raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw, api.baseUrls[0]);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  url.hash = "";
  return api.baseUrls.some((base) => underBase(url, new URL(base))) ? url : undefined;
}

/** The values of a credential that must never reach the agent, in whatever the provider echoes. */
function secretsOf(credential: OpenedCredential, provider: Provider): string[] {
  switch (credential.authMethod) {
    case "oauth2":
      return [credential.accessToken];
    case "api_key": {
      const secret = new Set(
        provider.kind === "api_key" ? provider.fields.filter((f) => f.secret).map((f) => f.name) : [],
      );
      return Object.entries(credential.fields).flatMap(([name, value]) => (secret.has(name) ? [value] : []));
    }
    case "browser_login":
      return credential.cookies.map((c) => c.value).filter((v) => v.length >= SHORTEST_SECRET);
  }
}

/**
 * call_api's request: the service sends it to the provider's API with the user's credential (the
 * OAuth2 access token as `Authorization`, the API key where `api.headers`/`api.query` put it, the
 * login's cookies for the URL) and answers what came back with every value of the credential cut out.
 * Only URLs under the provider's `api.baseUrls`, only to addresses the outbound policy allows (the
 * connection goes to the address checked), no redirect followed, the answer bounded in size and time.
 */
export async function callProviderApi(
  deps: { addressPolicy: AddressPolicy; maxBytes: number; timeoutMs: number },
  provider: Provider,
  credential: OpenedCredential,
  request: ApiCallRequest,
  signal?: AbortSignal,
): Promise<ApiCallOutcome> {
  const api = provider.api;
  if (!api) return { ok: false, code: "no_api", message: `${provider.name} declares no API that call_api may reach` };
  const url = allowedUrl(api, request.url);
  if (!url)
    return {
      ok: false,
      code: "url_not_allowed",
      message: `call_api reaches only URLs under ${api.baseUrls.join(", ")}`,
    };

  const headers: Record<string, string> = { "user-agent": "browser-login-capture" };
  const owned = new Set(Object.keys(api.headers).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value) || RESERVED.has(lower) || owned.has(lower))
      return {
        ok: false,
        code: "header_not_allowed",
        message: `call_api does not send the header ${name.slice(0, 100)}`,
      };
    headers[lower] = value;
  }
  const fields = credential.authMethod === "api_key" ? credential.fields : {};
  for (const [name, value] of Object.entries(api.headers)) headers[name.toLowerCase()] = fillTemplate(value, fields);
  for (const [name, value] of Object.entries(api.query)) url.searchParams.set(name, fillTemplate(value, fields));
  if (credential.authMethod === "oauth2") {
    const type = /^bearer$/i.test(credential.tokenType) ? "Bearer" : credential.tokenType;
    headers.authorization = `${type} ${credential.accessToken}`;
  }
  if (credential.authMethod === "browser_login") {
    const cookie = cookieHeaderFor(credential.cookies, url);
    if (cookie) headers.cookie = cookie;
  }

  const secrets = secretsOf(credential, provider);
  const target = await checkOutboundUrl(url.href, deps.addressPolicy);
  if (!target.ok)
    return { ok: false, code: "unreachable", message: `refused by the outbound address policy: ${target.reason}` };
  let answer: Awaited<ReturnType<typeof pinnedRequest>>;
  try {
    answer = await pinnedRequest(target.url, target.addresses, {
      method: request.method,
      headers,
      ...(request.body !== undefined && request.method !== "GET" && request.method !== "HEAD"
        ? { body: request.body }
        : {}),
      timeoutMs: deps.timeoutMs,
      maxBodyBytes: deps.maxBytes,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    // Node's network errors name hosts and ports, never what was sent; cut anyway, to be sure.
    return { ok: false, code: "unreachable", message: withoutSecrets((error as Error).message, secrets).slice(0, 300) };
  }
  const answerHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers))
    if (ANSWER_HEADERS.test(name) && value !== undefined)
      answerHeaders[name] = withoutSecrets(Array.isArray(value) ? value.join(", ") : value, secrets);
  const text = TEXT.test(answerHeaders["content-type"] ?? "") || answer.bytes.length === 0;
  return {
    ok: true,
    answer: {
      status: answer.status,
      headers: answerHeaders,
      body: text ? withoutSecrets(answer.body, secrets) : scrubBinary(answer.bytes, secrets),
      bodyEncoding: text ? "text" : "base64",
      truncated: answer.truncated,
    },
  };
}

/** A binary body in base64, with any credential value it holds (as bytes) blanked first. */
function scrubBinary(bytes: Buffer, secrets: string[]): string {
  const copy = Buffer.from(bytes);
  for (const secret of secrets) {
    const needle = Buffer.from(secret, "utf8");
    for (let at = copy.indexOf(needle); at >= 0; at = copy.indexOf(needle, at + needle.length))
      copy.fill(0x2a, at, at + needle.length);
  }
  return copy.toString("base64");
}
