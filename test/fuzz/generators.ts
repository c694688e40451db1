/**
 * What the fuzz harness sends, generated from a seed: raw HTTP requests (routes from the service's own
 * /openapi.json with garbage and near-valid parameters, bodies of every shape, odd and huge headers,
 * malformed framing, slow senders, upgrades to every path) and viewer-socket messages. Pure: the same
 * seed and inputs give the same requests, so a finding is replayed with its seed.
 *
 * Nothing generated names a host but loopback ones: every URL in a body comes from SAFE_URLS, so no
 * request can make the service (a webhook, an API-key check, an OAuth2 exchange) reach out.
 */
import type { Random } from "../helpers/seeded-random.ts";

/** One route of the document: method, path template (`/browser-login/{id}`), JSON body schema if any. */
export interface RouteTemplate {
  method: string;
  path: string;
  bodySchema?: JsonSchema;
  /** Under a service key and subject (the document's security), or reached without one. */
  keyed: boolean;
}

/** A JSON Schema as the document gives it. */
export type JsonSchema = Record<string, unknown> & {
  $ref?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  format?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
};

/** What the harness knows about the running service when it generates a request. */
export interface FuzzTarget {
  apiKey: string;
  routes: RouteTemplate[];
  components: Record<string, JsonSchema>;
  /** A connect link minted for the run (the token in /connect/<token>). */
  connectToken: string;
  /** Ids the service handed out (sessions, credentials), so some requests name real things. */
  knownIds: string[];
  /** Viewer tokens of running sessions (the token in /live/<token>). */
  liveTokens: string[];
  providerIds: string[];
}

export type Send =
  /** All bytes at once. */
  | { kind: "once"; bytes: Buffer }
  /** The head at once, then the rest a few bytes at a time with pauses (a slow client); `stopAfter` bytes, then nothing. */
  | { kind: "slow"; bytes: Buffer; pieceBytes: number; pauseMs: number; stopAfter?: number };

export interface FuzzSubject {
  userId: string;
  orgId?: string;
}

export interface FuzzRequest {
  /** Which family of generator made it (for the figures). */
  family: string;
  /** A short description, for the report of a finding (the path, not the body). */
  label: string;
  send: Send;
  /** The request is a HEAD: its answers carry no body. */
  head: boolean;
  /** The answer may be a page for a person (HTML) rather than the JSON error shape: the viewer and connect pages, the OAuth2 callback. */
  page: boolean;
  /** An upgrade request: a 101 is taken, then the socket is closed by the harness. */
  upgrade: boolean;
  /** Whom it said it acts for (x-subject-user-id, x-subject-org-id), to end the sessions it may start. */
  subject?: FuzzSubject;
}

/** The only URLs a generated body carries: loopback (port 1, nothing listens) or schemes nobody fetches. */
export const SAFE_URLS = [
  "http://127.0.0.1:1/x",
  "https://127.0.0.1:1/",
  "http://localhost:1/login?next=%2F",
  "http://[::1]:1/",
  "http://user:pw@127.0.0.1:1/?q=1#f",
  "javascript:alert(1)",
  "file:///etc/passwd",
  "data:text/html,<script>1</script>",
  "ftp://127.0.0.1:1/",
  `http://127.0.0.1:1/${"a".repeat(3000)}`,
];

const ODD_STRINGS = [
  "",
  " ",
  "null",
  "undefined",
  "0",
  "-1",
  "1e999",
  "NaN",
  "%zz",
  "%",
  "%00",
  "%c0%ae%c0%ae/",
  "../../etc/passwd",
  "..%2f..%2f",
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "\u202e\u2066",
  "😀".repeat(50),
  "é",
  "<script>alert(1)</script>",
  "' OR '1'='1",
  "${jndi:ldap://127.0.0.1:1/a}",
  "{{apiKey}}",
  "__proto__",
  "constructor",
  "a\r\nX-Injected: 1",
  "\t\n\v\f\r",
  "ls_00000000000000000000000000000000",
  "cred_00000000-0000-0000-0000-000000000000",
];

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"];
const ODD_METHODS = ["get", "FOO", "M-SEARCH", "PROPFIND", "G ET", "POST\u0000", "CONNECT", "PRI", ""];
const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/JSON",
  "application/json; charset=utf-16",
  "application/merge-patch+json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "",
  "json",
  ";;;",
];

/** Every byte of the text's UTF-8 (lone surrogates as U+FFFD) outside the unreserved set, percent-encoded. */
const percentEncode = (text: string) =>
  [...Buffer.from(text, "utf8")]
    .map((b) =>
      /[A-Za-z0-9._~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, "0").toUpperCase()}`,
    )
    .join("");

export interface Generator {
  request(target: FuzzTarget): FuzzRequest;
  viewerMessage(): string | Buffer;
}

export function createGenerator(random: Random): Generator {
  const r = random;
  const hex = (n: number) => Array.from({ length: n }, () => r.int(0, 15).toString(16)).join("");

  function oddString(): string {
    switch (r.int(0, 6)) {
      case 0:
        return r.pick(ODD_STRINGS);
      case 1:
        return r.pick(SAFE_URLS);
      case 2:
        return "x".repeat(r.pick([1, 64, 65, 200, 201, 1_000, 5_000, 20_000]));
      case 3:
        return String.fromCharCode(...Array.from({ length: r.int(1, 40) }, () => r.int(0, 0xffff)));
      case 4:
        return hex(r.int(1, 64));
      default:
        return r.pick(["demo", "demo-spa", "fuzz-keys", "fuzz-oauth", "nope", "user-1", "acme", "admin"]);
    }
  }

  function oddValue(depth = 0): unknown {
    switch (r.int(0, depth > 3 ? 5 : 8)) {
      case 0:
        return null;
      case 1:
        return r.chance(0.5);
      case 2:
        return r.pick([0, -1, 1.5, 2 ** 53 + 1, -0, 1e308, Number.MAX_SAFE_INTEGER, 10_001, 3_600_001]);
      case 3:
      case 4:
      case 5:
        return oddString();
      case 6:
        return Array.from({ length: r.int(0, 5) }, () => oddValue(depth + 1));
      default:
        return Object.fromEntries(
          Array.from({ length: r.int(0, 5) }, () => [oddString().slice(0, 40), oddValue(depth + 1)]),
        );
    }
  }

  function resolve(schema: JsonSchema | undefined, components: Record<string, JsonSchema>): JsonSchema | undefined {
    const ref = schema?.$ref as string | undefined;
    return ref ? components[ref.split("/").pop()!] : schema;
  }

  /** A value of the schema's shape, with a field made wrong now and then. */
  function fromSchema(schema: JsonSchema | undefined, components: Record<string, JsonSchema>, depth = 0): unknown {
    const s = resolve(schema, components);
    if (!s || depth > 6 || r.chance(0.08)) return oddValue(depth);
    const options = s.anyOf ?? s.oneOf;
    if (options) return fromSchema(r.pick(options), components, depth + 1);
    if (s.enum) return r.chance(0.9) ? r.pick(s.enum) : oddString();
    if (s.const !== undefined) return s.const;
    switch (s.type) {
      case "object": {
        const out: Record<string, unknown> = {};
        for (const [name, property] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) {
          if ((s.required ?? []).includes(name) ? r.chance(0.95) : r.chance(0.5))
            out[name] = fromSchema(property, components, depth + 1);
        }
        if (r.chance(0.1)) out[oddString().slice(0, 30) || "extra"] = oddValue(depth + 1);
        return out;
      }
      case "array":
        return Array.from({ length: r.int(0, 4) }, () => fromSchema(s.items, components, depth + 1));
      case "string":
        if (s.format === "uri" || /url|origin/i.test(String(s.description ?? ""))) return r.pick(SAFE_URLS);
        return r.chance(0.7)
          ? r.pick(["demo", "demo-spa", "fuzz-keys", "fuzz-oauth", "key-123", "user-1", "x"])
          : oddString();
      case "integer":
      case "number":
        return r.chance(0.7) ? r.int(s.minimum ?? 0, Math.min(s.maximum ?? 100, 100_000)) : oddValue();
      case "boolean":
        return r.chance(0.5);
      default:
        return oddValue(depth);
    }
  }

  function body(route: RouteTemplate | undefined, components: Record<string, JsonSchema>): string {
    switch (r.int(0, 11)) {
      case 0:
        return "";
      case 1:
        return JSON.stringify(oddValue());
      case 2:
        // Deep nesting: a parser that recurses without bound would overflow its stack.
        return "[".repeat(r.pick([100, 5_000, 15_000])) + "]".repeat(r.chance(0.5) ? 0 : 100);
      case 3:
        return `{"a":"${"x".repeat(r.pick([100, 10_000, 16_000]))}"}`;
      case 4:
        return `\ufeff${JSON.stringify(fromSchema(route?.bodySchema, components))}`;
      case 5:
        return JSON.stringify(fromSchema(route?.bodySchema, components)).slice(0, r.int(0, 50));
      case 6:
        return '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"providerId":"demo"}';
      case 7:
        return Buffer.from(Array.from({ length: r.int(1, 300) }, () => r.int(0, 255))).toString("latin1");
      case 8:
        return '{"providerId":"demo","providerId":"nope"}';
      default:
        return JSON.stringify(fromSchema(route?.bodySchema, components));
    }
  }

  function pathParam(name: string, target: FuzzTarget): string {
    if (name === "token" && r.chance(0.6)) return target.connectToken;
    if (r.chance(0.35) && target.knownIds.length) return r.pick(target.knownIds);
    if (name === "providerId" && r.chance(0.5)) return r.pick(target.providerIds);
    const value = r.chance(0.5)
      ? oddString()
      : r.pick([`ls_${hex(32)}`, `cred_${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`, hex(8)]);
    return r.chance(0.7)
      ? percentEncode(value)
      : r.pick(["%zz", "%", "%e0%a4%a", "..%2F..", percentEncode(value).replace(/%2F/g, "/")]);
  }

  function query(): string {
    switch (r.int(0, 6)) {
      case 0:
        return `?wait=${r.pick(["", "0", "50", "10001", "0x10", "1e3", "-1", "%zz", "5.0"])}`;
      case 1:
        return `?${Array.from({ length: r.int(1, 400) }, (_, i) => `a${i % 7}=${i}`).join("&")}`;
      case 2:
        return `?lastEventId=${r.pick(["0", "1-0", "99999999999999999-0", "abc", "%zz"])}`;
      case 3:
        return `?refresh=${r.pick(["true", "yes", "1", ""])}&state=${hex(20)}&code=${hex(10)}`;
      case 4:
        return `?${"q=".padEnd(r.pick([100, 7_000, 9_000]), "a")}`;
      default:
        return "";
    }
  }

  let lastSubject: FuzzSubject | undefined;
  function authHeaders(target: FuzzTarget, keyed: boolean): string[] {
    lastSubject = undefined;
    const subject = (): string[] => {
      const lines: string[] = [];
      if (r.chance(0.9)) {
        const userId = r.chance(0.8)
          ? r.pick(["fuzz-user", "fuzz-link-user", "user-1"])
          : headerSafe(oddString()).slice(0, 400);
        // As the server reads it: HTTP trims a header value.
        lastSubject = { userId: userId.trim() };
        lines.push(`x-subject-user-id: ${userId}`);
      }
      if (r.chance(0.3)) {
        const orgId = r.pick(["acme", "", "x".repeat(201)]);
        if (lastSubject && orgId) lastSubject.orgId = orgId;
        lines.push(`x-subject-org-id: ${orgId}`);
      }
      if (r.chance(0.2)) lines.push(`x-subject-org-role: ${r.pick(["admin", "member", "owner", "ADMIN", ""])}`);
      return lines;
    };
    switch (r.int(0, keyed ? 9 : 14)) {
      case 0:
        return [];
      case 1:
        return [`authorization: Bearer wrong-${hex(16)}`, ...subject()];
      case 2:
        return [
          `authorization: ${r.pick(["Bearer", "Bearer ", "Basic", "Basic %%%", `Basic ${Buffer.from(`x:${target.apiKey}`).toString("base64")}`, "Digest x", `Bearer ${"a".repeat(9_000)}`])}`,
        ];
      case 3:
        return [`authorization: Bearer ${target.apiKey}`];
      default:
        return keyed || r.chance(0.3) ? [`authorization: Bearer ${target.apiKey}`, ...subject()] : subject();
    }
  }

  /** A header value Node's client-side framing would not split: printable Latin-1 only. */
  const headerSafe = (text: string) => text.replace(/[^\x20-\x7e\x80-\xff]/g, "?");

  function oddHeaders(): string[] {
    switch (r.int(0, 12)) {
      case 0:
        return [`x-big: ${"a".repeat(r.pick([8_000, 15_000, 20_000]))}`];
      case 1:
        return Array.from({ length: r.pick([100, 300, 2_100]) }, (_, i) => `x-h${i}: ${i}`);
      case 2:
        return ["content-length: 5", "content-length: 6"];
      case 3:
        return ["bad header: x"];
      case 4:
        return ["x-folded: a", " continued"];
      case 5:
        return ["expect: 100-continue"];
      case 6:
        return [`cookie: ${"c=1; ".repeat(r.pick([10, 3_000]))}`];
      case 7:
        return ["content-encoding: gzip"];
      case 8:
        return [`x-unicode: ${"é".repeat(100)}`];
      case 9:
        return ["transfer-encoding: gzip, chunked"];
      default:
        return [];
    }
  }

  /** A request line and headers, and a body framed as `framing` says. */
  function assemble(
    method: string,
    target: string,
    headers: string[],
    payload: string | undefined,
    framing: "length" | "chunked" | "none" | "lie-short" | "lie-huge" | "bad-chunk",
  ): Buffer {
    const lines = [`${method} ${target} HTTP/1.1`, "host: 127.0.0.1", "connection: close", ...headers];
    const data = Buffer.from(payload ?? "", "utf8");
    let tail: Buffer = Buffer.alloc(0);
    switch (framing) {
      case "length":
        lines.push(`content-length: ${data.length}`);
        tail = data;
        break;
      case "chunked": {
        lines.push("transfer-encoding: chunked");
        const parts: Buffer[] = [];
        for (let i = 0; i < data.length; i += 4096) {
          const part = data.subarray(i, i + 4096);
          parts.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n"));
        }
        parts.push(Buffer.from("0\r\n\r\n"));
        tail = Buffer.concat(parts);
        break;
      }
      case "lie-short":
        // More promised than sent: the server must not wait past its request timeout.
        lines.push(`content-length: ${data.length + 100}`);
        tail = data;
        break;
      case "lie-huge":
        lines.push(`content-length: ${r.pick([300_000_000, 2 ** 53, 16_385])}`);
        tail = data.subarray(0, 100);
        break;
      case "bad-chunk":
        lines.push("transfer-encoding: chunked");
        tail = Buffer.from(
          r.pick(["zz\r\nabc\r\n0\r\n\r\n", "5;ext=1\r\nab\r\n0\r\n\r\n", "-1\r\n\r\n", "ffffffffffffffff\r\nab"]),
        );
        break;
      case "none":
        break;
    }
    return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), tail]);
  }

  const PAGE_PATHS = /^\/(live|connect)\/[^/]+$|^\/oauth2\/callback|^\/docs|^\/admin\/queues/;
  /** Pages for people (HTML errors are theirs), judged on the path as the server resolves it (dot segments). */
  const isPage = (path: string) => PAGE_PATHS.test(URL.parse(path.split("?")[0]!, "http://x")?.pathname ?? path);

  function routeRequest(target: FuzzTarget): FuzzRequest {
    const route = r.pick(target.routes);
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => pathParam(name, target));
    const method = r.chance(0.85) ? route.method.toUpperCase() : r.pick(METHODS);
    const hasBody = method !== "GET" && method !== "HEAD" && (route.bodySchema !== undefined || r.chance(0.3));
    const framing = hasBody
      ? r.pick(["length", "length", "length", "chunked", "lie-short", "lie-huge"] as const)
      : "none";
    const headers = [
      ...authHeaders(target, route.keyed),
      ...(hasBody ? [`content-type: ${r.chance(0.8) ? "application/json" : r.pick(CONTENT_TYPES)}`] : []),
      ...(r.chance(0.15) ? oddHeaders() : []),
    ];
    const payload = hasBody ? body(route, target.components) : undefined;
    const bytes = assemble(method, path + (r.chance(0.25) ? query() : ""), headers, payload, framing);
    return {
      family: framing === "lie-short" ? "slow-body" : `route:${route.method} ${route.path}`,
      label: `${method} ${path.slice(0, 120)}`,
      send: { kind: "once", bytes },
      head: method === "HEAD",
      page: isPage(path),
      upgrade: false,
      // A connect page endpoint acts for the link's subject.
      subject: path.startsWith(`/connect/${target.connectToken}/`) ? { userId: "fuzz-link-user" } : lastSubject,
    };
  }

  function pathRequest(target: FuzzTarget): FuzzRequest {
    const segments = Array.from({ length: r.int(0, 5) }, () =>
      r.pick([
        "%zz",
        "%",
        "%00",
        "..",
        ".",
        "",
        "%2e%2e",
        "%c0%ae",
        "live",
        "connect",
        "socket",
        "browser-login",
        "credentials",
        target.connectToken,
        "é",
        "%ff%fe",
        "\\",
        "a".repeat(r.pick([10, 300, 7_000])),
      ]),
    );
    const path = `/${segments.join("/")}${r.chance(0.3) ? query() : ""}`;
    const method = r.chance(0.8) ? r.pick(METHODS) : r.pick(ODD_METHODS);
    return {
      family: "path",
      label: `${method} ${path.slice(0, 120)}`,
      send: { kind: "once", bytes: assemble(method, path, authHeaders(target, false), undefined, "none") },
      head: method === "HEAD",
      page: isPage(path),
      upgrade: false,
    };
  }

  function framingRequest(target: FuzzTarget): FuzzRequest {
    const raw = r.pick([
      "NOT HTTP AT ALL\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/2.0\r\nhost: x\r\n\r\n",
      "GET /healthz HTTP/1.0\r\n\r\n",
      "GET http://127.0.0.1:1/healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
      "GET http://[::1/x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nhost: a b\r\nconnection: close\r\n\r\n",
      "GET /a\\b HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
      "GET * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
      "\r\n\r\n\r\n",
      "GET /healthz HTTP/1.1\nhost: x\nconnection: close\n\n",
      `GET /healthz HTTP/1.1\r\nhost: x\r\n${"x: y\r\n".repeat(3_000)}\r\n`,
      "POST /connect/links HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nhost: x\r\n\r\nGET /readyz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
      `POST /connect/${target.connectToken}/api-key HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nconnection: close\r\ntransfer-encoding: chunked\r\n\r\n${`4000\r\n${"a".repeat(0x4000)}\r\n`.repeat(4)}`,
      String.fromCharCode(...Array.from({ length: 200 }, () => r.int(0, 255))),
    ]);
    return {
      family: "framing",
      label: JSON.stringify(raw.slice(0, 60)),
      send: { kind: "once", bytes: Buffer.from(raw, "latin1") },
      head: false,
      page: false,
      upgrade: false,
    };
  }

  function slowRequest(target: FuzzTarget): FuzzRequest {
    const path = r.chance(0.5) ? `/connect/${target.connectToken}/api-key` : "/browser-login/start";
    const bytes = assemble(
      "POST",
      path,
      [`authorization: Bearer ${target.apiKey}`, "x-subject-user-id: fuzz-user", "content-type: application/json"],
      `{"providerId":"demo","metadata":{"a":"${"x".repeat(2_000)}"}}`,
      "length",
    );
    // Slow headers or a slow body, stopping part way or not: the server's timeouts end it.
    return {
      family: "slow",
      label: `slow POST ${path.slice(0, 40)}`,
      send: {
        kind: "slow",
        bytes,
        pieceBytes: r.pick([1, 16, 256]),
        pauseMs: r.pick([50, 200]),
        stopAfter: r.chance(0.5) ? r.int(10, bytes.length - 1) : undefined,
      },
      head: false,
      page: false,
      upgrade: false,
    };
  }

  function upgradeRequest(target: FuzzTarget): FuzzRequest {
    const path = r.pick([
      "/live/%zz/socket",
      "/live/%/socket",
      "/live//socket",
      `/live/${"a".repeat(r.pick([10, 200, 201, 9_000]))}/socket`,
      `/live/${target.liveTokens.length ? r.pick(target.liveTokens) : "x"}/socket`,
      `/live/${target.liveTokens.length ? r.pick(target.liveTokens) : "x"}/socket?check=${r.pick(["", "%zz", "x".repeat(500)])}`,
      "/healthz",
      "/",
      `/connect/${target.connectToken}`,
      "/live/x/socket/../../healthz",
    ]);
    const key = r.chance(0.8) ? Buffer.from(hex(32), "hex").toString("base64") : r.pick(["", "short", "%%%"]);
    const headers = [
      `upgrade: ${r.chance(0.85) ? "websocket" : r.pick(["h2c", "WebSocket", "foo", ""])}`,
      `connection: ${r.chance(0.9) ? "Upgrade" : "keep-alive"}`,
      `sec-websocket-key: ${key}`,
      `sec-websocket-version: ${r.chance(0.9) ? "13" : r.pick(["8", "x", ""])}`,
      ...(r.chance(0.2) ? [`sec-websocket-extensions: permessage-deflate; client_max_window_bits`] : []),
      ...(r.chance(0.1) ? oddHeaders() : []),
    ];
    const lines = [`GET ${path} HTTP/1.1`, "host: 127.0.0.1", ...headers];
    return {
      family: "upgrade",
      label: `upgrade ${path.slice(0, 80)}`,
      send: { kind: "once", bytes: Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1") },
      head: false,
      // Not an upgrade to Node without Connection: Upgrade: then a plain GET, maybe of a page.
      page: isPage(path),
      upgrade: true,
    };
  }

  return {
    request(target) {
      const roll = r.next();
      if (roll < 0.55) return routeRequest(target);
      if (roll < 0.72) return pathRequest(target);
      if (roll < 0.84) return framingRequest(target);
      if (roll < 0.88) return slowRequest(target);
      return upgradeRequest(target);
    },
    viewerMessage() {
      switch (r.int(0, 11)) {
        case 0:
          return oddString();
        case 1:
          return JSON.stringify(oddValue());
        case 2:
          return `{"t":"text","text":"${"a".repeat(r.pick([9_999, 10_001, 70_000]))}"}`;
        case 3:
          return Buffer.from(Array.from({ length: r.int(1, 2_000) }, () => r.int(0, 255)));
        case 4:
          return JSON.stringify({
            t: "viewport",
            width: r.pick([1, 10_000, 10_001, -1, 1.5]),
            height: r.pick([1, 800, 1e9]),
            dpr: r.pick([0.1, 10, 0, 3]),
          });
        case 5:
          return JSON.stringify({ t: "tab", pageId: oddString().slice(0, r.pick([32, 40])) });
        case 6:
          return JSON.stringify({
            t: "key",
            type: r.pick(["keyDown", "keyUp", "x"]),
            key: oddString().slice(0, 40),
            code: "KeyA",
            modifiers: r.int(-1, 16),
          });
        case 7:
          return JSON.stringify({ t: r.pick(["copy", "back", "reload", "ack", "nope"]) });
        case 8:
          return `[${"[".repeat(5_000)}`;
        default:
          return JSON.stringify({
            t: "mouse",
            type: r.pick(["mouseMoved", "mousePressed", "mouseReleased", "mouseWheel"]),
            x: r.pick([0, 100, -10_001, 1e308, 5.5]),
            y: r.int(0, 800),
            button: r.pick(["left", "none", "x"]),
            clickCount: r.int(0, 4),
          });
      }
    },
  };
}
