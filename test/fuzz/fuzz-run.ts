import { connect } from "node:net";
import { WebSocket } from "ws";
import { seededRandom } from "../helpers/seeded-random.ts";
import type { FuzzService } from "./fuzz-service.ts";
import {
  createGenerator,
  type FuzzRequest,
  type FuzzSubject,
  type FuzzTarget,
  type JsonSchema,
  type RouteTemplate,
  type Send,
} from "./generators.ts";

/**
 * Runs the generators against a running service and judges every answer. What counts as a finding:
 * - the process exits (or stops answering);
 * - a 5xx other than 503 `storage_unavailable` (a 500 is a bug, whatever the input);
 * - a 4xx or 5xx that is not `{ "error": { "code", "message" } }` (pages for people, the viewer's and
 *   the connect page's, may answer HTML);
 * - no answer and no close within the deadline (a request that holds a connection);
 * - an error that escaped a handler (the process logs it and carries on: still a bug);
 * - resident memory growing past the bound;
 * - a session started during the run that cannot be ended.
 * A closed socket without an answer is allowed (malformed input), and counted.
 */
export interface FuzzOptions {
  seed: number;
  /** Stop after this many HTTP requests, or at `durationMs`, whichever comes first. */
  requests: number;
  durationMs: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Viewer-socket messages to send over the run (spread over sockets, some flooded, some never read). */
  viewerMessages: number;
  /** Sessions the harness starts while it runs (all must end when cancelled). */
  sessions: number;
  /** Largest growth of the service's resident memory allowed over its start-of-run figure, MB. */
  rssGrowthBoundMb: number;
  /** Progress lines (the long run prints them). */
  log?: (line: string) => void;
}

export interface FuzzFigures {
  seed: number;
  durationMs: number;
  requests: number;
  byStatus: Record<string, number>;
  /** Closed without an answer (malformed input). */
  closed: number;
  upgradesTaken: number;
  viewerSockets: number;
  viewerMessages: number;
  /** Viewer sockets the server closed (size or rate limits, the session ending). */
  viewerSocketsClosedByServer: number;
  exits: number;
  unexpected5xx: number;
  startRssMb: number;
  peakRssMb: number;
  sessionsStarted: number;
  sessionsEnded: number;
}

export interface Finding {
  kind: "exit" | "5xx" | "shape" | "hang" | "uncaught" | "memory" | "session";
  label: string;
  detail: string;
}

type Api = (method: string, path: string, subject: FuzzSubject, body?: unknown) => Promise<Response>;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  timedOut: boolean;
}

const ANSWER_DEADLINE_MS = 20_000;
const FINAL = new Set(["completed", "failed", "expired", "cancelled"]);
const SUBJECTS: FuzzSubject[] = [{ userId: "fuzz-user" }, { userId: "fuzz-link-user" }, { userId: "user-1" }];

export async function runFuzz(
  service: FuzzService,
  options: FuzzOptions,
): Promise<{ figures: FuzzFigures; findings: Finding[] }> {
  const random = seededRandom(options.seed);
  const generator = createGenerator(random);
  const findings: Finding[] = [];
  const api: Api = (method, path, subject, body) =>
    fetch(`${service.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${service.apiKey}`,
        "x-subject-user-id": subject.userId,
        ...(subject.orgId ? { "x-subject-org-id": subject.orgId } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const target = await describeTarget(service, api);
  /** Session id → the subject that started it, when known. */
  const sessions = new Map<string, FuzzSubject | undefined>();
  const startSession = async () => {
    const res = await api("POST", "/browser-login/start?wait=10000", SUBJECTS[0]!, { providerId: "demo" });
    const body = (await res.json()) as { sessionId?: string; liveViewUrl?: string | null };
    if (!body.sessionId) throw new Error(`could not start a session: ${res.status} ${JSON.stringify(body)}`);
    sessions.set(body.sessionId, SUBJECTS[0]);
    target.knownIds.push(body.sessionId);
    if (body.liveViewUrl) target.liveTokens.push(new URL(body.liveViewUrl).pathname.split("/")[2]!);
  };
  for (let i = 0; i < Math.min(2, options.sessions); i++) await startSession();

  const figures: FuzzFigures = {
    seed: options.seed,
    durationMs: 0,
    requests: 0,
    byStatus: {},
    closed: 0,
    upgradesTaken: 0,
    viewerSockets: 0,
    viewerMessages: 0,
    viewerSocketsClosedByServer: 0,
    exits: 0,
    unexpected5xx: 0,
    startRssMb: service.rssMb(),
    peakRssMb: 0,
    sessionsStarted: 0,
    sessionsEnded: 0,
  };
  const sampler = setInterval(() => {
    figures.peakRssMb = Math.max(figures.peakRssMb, service.rssMb());
  }, 100);
  const started = Date.now();
  const deadline = started + options.durationMs;
  let issued = 0;
  const more = () => issued < options.requests && Date.now() < deadline && service.alive();

  const httpLoop = async () => {
    while (more()) {
      issued++;
      const request = generator.request(target);
      const answer = await exchange(service.port, request.send, ANSWER_DEADLINE_MS);
      figures.requests++;
      judge(request, answer);
      // Real ids in answers (sessions a connect link started, credentials stored) join the pool, and must end.
      // (From answers that made or showed something: an error message may quote an id the request made up.)
      const made = answer.status >= 200 && answer.status < 300 ? answer.body : "";
      for (const id of made.match(/ls_[0-9a-f]{32}/g) ?? [])
        if (!sessions.has(id)) {
          sessions.set(id, request.subject);
          target.knownIds.push(id);
        }
      for (const id of made.match(/cred_[0-9a-f-]{36}/g) ?? [])
        if (!target.knownIds.includes(id)) target.knownIds.push(id);
      if (options.log && figures.requests % 500 === 0)
        options.log(
          `${figures.requests} requests, ${figures.viewerMessages} viewer messages, rss ${service.rssMb().toFixed(0)} MB, findings ${findings.length}`,
        );
    }
  };

  function judge(request: FuzzRequest, answer: Answer) {
    const status = answer.status;
    figures.byStatus[status || "closed"] = (figures.byStatus[status || "closed"] ?? 0) + 1;
    if (answer.timedOut && status === 0) {
      findings.push({
        kind: "hang",
        label: request.label,
        detail: `no answer and no close in ${ANSWER_DEADLINE_MS} ms`,
      });
      return;
    }
    if (status === 0) return void figures.closed++;
    if (status === 101) return void figures.upgradesTaken++;
    const json = (() => {
      try {
        return JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
      } catch {
        return undefined;
      }
    })();
    if (status >= 500) {
      if (status === 503 && json?.error?.code === "storage_unavailable") return;
      figures.unexpected5xx++;
      findings.push({ kind: "5xx", label: request.label, detail: `${status} ${answer.body.slice(0, 300)}` });
      return;
    }
    if (status < 400 || request.head) return;
    if (request.page && (answer.headers["content-type"] ?? "").startsWith("text/html")) return;
    const shaped =
      json !== undefined &&
      typeof json.error?.code === "string" &&
      typeof json.error?.message === "string" &&
      (answer.headers["content-type"] ?? "").startsWith("application/json");
    if (!shaped)
      findings.push({
        kind: "shape",
        label: request.label,
        detail: `${status} ${answer.headers["content-type"] ?? "(no content-type)"}: ${answer.body.slice(0, 200)}`,
      });
  }

  const viewerLoop = async () => {
    const perSocket = 200;
    while (figures.viewerMessages < options.viewerMessages && Date.now() < deadline && service.alive()) {
      const token = target.liveTokens.length ? random.pick(target.liveTokens) : undefined;
      if (!token) break;
      const sent = await fuzzViewer(
        service.port,
        token,
        Math.min(perSocket, options.viewerMessages - figures.viewerMessages),
        random.int(0, 2),
        generator.viewerMessage,
      );
      figures.viewerSockets++;
      figures.viewerMessages += sent.messages;
      if (sent.closedByServer) figures.viewerSocketsClosedByServer++;
      // Spread over the run: no further ahead than the requests (or the time) are, while they go on.
      const ahead = () =>
        figures.viewerMessages / options.viewerMessages >
        Math.max((Date.now() - started) / options.durationMs, issued / options.requests);
      while (ahead() && more()) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const sessionLoop = async () => {
    // More sessions start while the fuzz runs, spread over it.
    for (let i = Math.min(2, options.sessions); i < options.sessions && more(); i++) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(200, options.durationMs / options.sessions / 2)));
      if (!more()) break;
      await startSession().catch((error) =>
        findings.push({ kind: "session", label: "start", detail: String((error as Error).message) }),
      );
    }
  };

  await Promise.all([
    ...Array.from({ length: options.concurrency }, httpLoop),
    viewerLoop().then(() => options.log?.("viewer sockets done")),
    sessionLoop(),
  ]);
  options.log?.(`requests done: ${figures.requests}`);
  clearInterval(sampler);
  figures.durationMs = Date.now() - started;
  figures.peakRssMb = Math.max(figures.peakRssMb, service.rssMb());

  // Every session started during the run ends when cancelled.
  figures.sessionsStarted = sessions.size;
  options.log?.(`ending ${sessions.size} sessions`);
  if (service.alive()) {
    for (const [id, subject] of sessions) {
      for (const who of subject ? [subject, ...SUBJECTS] : SUBJECTS) {
        const res = await api("POST", `/browser-login/${id}/cancel`, who);
        await res.body?.cancel();
        if (res.status !== 404) {
          sessions.set(id, who);
          break;
        }
      }
    }
    const statuses = await Promise.all(
      [...sessions].map(async ([id, subject]) => [id, await waitForFinal(api, id, subject ?? SUBJECTS[0]!)] as const),
    );
    for (const [id, status] of statuses) {
      if (status && FINAL.has(status)) figures.sessionsEnded++;
      else findings.push({ kind: "session", label: id, detail: `still ${status ?? "unreadable"} after cancel` });
    }
  }

  if (!service.alive()) {
    figures.exits = 1;
    findings.push({
      kind: "exit",
      label: "process",
      detail: `${JSON.stringify(service.exit())}\n${service.outputTail().slice(-3_000)}`,
    });
  } else if (
    (await fetch(`${service.baseUrl}/healthz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    findings.push({ kind: "exit", label: "healthz", detail: "the process runs but does not answer /healthz" });
  }
  for (const line of service.uncaughtLines()) findings.push({ kind: "uncaught", label: "log", detail: line });
  const growth = figures.peakRssMb - figures.startRssMb;
  if (growth > options.rssGrowthBoundMb)
    findings.push({
      kind: "memory",
      label: "rss",
      detail: `grew ${growth.toFixed(0)} MB (bound ${options.rssGrowthBoundMb} MB)`,
    });
  return { figures, findings };
}

async function waitForFinal(api: Api, id: string, subject: FuzzSubject): Promise<string | undefined> {
  let status: string | undefined;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const res = await api("GET", `/browser-login/${id}`, subject);
    if (res.ok) status = ((await res.json()) as { status: string }).status;
    else {
      await res.body?.cancel();
      status = undefined;
    }
    if (status && FINAL.has(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return status;
}

/** The routes of the service's own document, and a connect link minted for the run. */
async function describeTarget(service: FuzzService, api: Api): Promise<FuzzTarget> {
  const document = (await (await fetch(`${service.baseUrl}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<string, { security?: unknown[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
    >;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  const routes: RouteTemplate[] = [];
  for (const [path, operations] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(operations))
      routes.push({
        method,
        path,
        keyed: (operation.security?.length ?? 0) > 0,
        bodySchema: operation.requestBody?.content?.["application/json"]?.schema,
      });
  const link = (await (await api("POST", "/connect/links", SUBJECTS[1]!, {})).json()) as { url: string };
  const providers = (await (await api("GET", "/providers", SUBJECTS[0]!)).json()) as { providers: { id: string }[] };
  return {
    apiKey: service.apiKey,
    routes,
    components: document.components?.schemas ?? {},
    connectToken: new URL(link.url).pathname.split("/")[2]!,
    knownIds: [],
    liveTokens: [],
    providerIds: providers.providers.map((p) => p.id),
  };
}

/** Sends one request as `send` says and reads one answer: complete, the socket closed, or the deadline. */
function exchange(port: number, send: Send, deadlineMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(received), timedOut });
    };
    const timer = setTimeout(() => finish(true), deadlineMs);
    socket.on("error", () => finish(false));
    socket.on("close", () => finish(false));
    socket.on("data", (chunk: Buffer) => {
      if (received.length < 1_000_000) received = Buffer.concat([received, chunk]);
      if (complete(received)) finish(false);
    });
    socket.on("connect", async () => {
      if (send.kind === "once") return void socket.write(send.bytes);
      const end = send.stopAfter ?? send.bytes.length;
      for (let at = 0; at < end && !done; at += send.pieceBytes) {
        socket.write(send.bytes.subarray(at, Math.min(at + send.pieceBytes, end)));
        await new Promise((r) => setTimeout(r, send.pauseMs));
      }
    });
  });
}

/** Interim answers (100 Continue to `Expect: 100-continue`) come before the answer. */
const INTERIM = /^HTTP\/1\.\d 1(0[02-9]|[1-9]\d)[^\r]*\r\n(?:[^\r]+\r\n)*\r\n/;
const withoutInterim = (data: Buffer): Buffer => {
  for (let match = INTERIM.exec(data.toString("latin1")); match; match = INTERIM.exec(data.toString("latin1")))
    data = data.subarray(Buffer.byteLength(match[0], "latin1"));
  return data;
};

function parse(received: Buffer): Omit<Answer, "timedOut"> {
  const data = withoutInterim(received);
  const text = data.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  if (!text.startsWith("HTTP/1.") || headEnd === -1) return { status: 0, headers: {}, body: "" };
  const [statusLine = "", ...lines] = text.slice(0, headEnd).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), "latin1"));
  if (headers["transfer-encoding"]?.includes("chunked")) body = dechunk(body);
  return { status: Number(statusLine.split(" ")[1] ?? 0), headers, body: body.toString("utf8") };
}

/** Whether a whole answer is in: its head for a 101 or an event stream, else its head and body. */
function complete(received: Buffer): boolean {
  const data = withoutInterim(received);
  const text = data.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd === -1) return false;
  const head = text.slice(0, headEnd).toLowerCase();
  if (/^http\/1\.\d 101/.test(head) || head.includes("content-type: text/event-stream")) return true;
  const length = /\r\ncontent-length: *(\d+)/.exec(head)?.[1];
  if (length !== undefined) return data.length - (headEnd + 4) >= Number(length);
  if (head.includes("transfer-encoding: chunked"))
    return text.includes("\r\n0\r\n\r\n", headEnd) || text.endsWith("0\r\n\r\n");
  return false;
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd === -1) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * One viewer socket on a running session's link: `count` messages from the generator, sent as
 * `style` says (0: one at a time, reading answers; 1: all at once, a flood; 2: all at once and
 * never reading what comes back, a viewer that does not drain its socket).
 */
async function fuzzViewer(
  port: number,
  token: string,
  count: number,
  style: number,
  message: () => string | Buffer,
): Promise<{ messages: number; closedByServer: boolean }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/live/${token}/socket`, { maxPayload: 64 * 1024 * 1024 });
  let closedByServer = false;
  let closing = false;
  const closed = new Promise<void>((resolve) =>
    ws.once("close", () => {
      if (!closing) closedByServer = true;
      resolve();
    }),
  );
  ws.on("error", () => {});
  const open = await Promise.race([
    new Promise<boolean>((resolve) => ws.once("open", () => resolve(true))),
    closed.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
  ]);
  let sent = 0;
  if (open) {
    if (style === 2) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    for (; sent < count && ws.readyState === WebSocket.OPEN; sent++) {
      ws.send(message());
      if (style === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    // Let the server act on what it got (and close for a reason, if it will).
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, style === 2 ? 1_000 : 300))]);
  }
  closing = true;
  ws.terminate();
  await closed;
  return { messages: sent, closedByServer };
}
