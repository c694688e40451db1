import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInputQueue } from "../../src/live-view/input-queue.ts";
import { liveViewSecret } from "../../src/live-view/live-view-secret.ts";
import { signRelay } from "../../src/live-view/live-view-token.ts";
import type { ViewerMessage } from "../../src/live-view/viewer-messages.ts";
import { startSecondApi } from "../helpers/second-api.ts";
import type { ServiceProcess } from "../helpers/service-process.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { openRawViewer, type RawViewer, socketOf } from "./raw-viewer.ts";

/** An HTTP upgrade request written by hand: what a script can send that no browser would. */
function rawUpgrade(port: number, path: string, headers = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (d) => {
      answer += d;
      // An accepted upgrade keeps the socket open: its first line is the answer.
      if (answer.startsWith("HTTP/1.1 101")) socket.destroy();
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${headers}\r\n`,
    );
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

describe("live view limits: no viewer crashes, floods or bloats the API or the worker", () => {
  let stack: TestStack;
  /** An API in its own process, on a Redis prefix no worker serves: its sessions stay queued. */
  let queued: { baseUrl: string; process: ServiceProcess };
  let workerAddress: string;
  const opened: RawViewer[] = [];
  const open = (url: string, headers?: Record<string, string>, options?: { ack?: boolean }) => {
    const viewer = openRawViewer(url, headers, options);
    opened.push(viewer);
    return viewer;
  };
  const toWorker = (sessionId: string, mode: "control" | "view", header?: string, options?: { ack?: boolean }) =>
    open(
      `${workerAddress}/sessions/${sessionId}`,
      { "x-live-view-auth": header ?? signRelay(liveViewSecret(stack.config), sessionId, mode) },
      options,
    );

  beforeAll(async () => {
    stack = await startTestStack({ env: { LIVE_VIEW_MAX_VIEWERS: "2" } });
    queued = await startSecondApi(stack, { REDIS_PREFIX: "queued", LIVE_VIEW_MAX_VIEWERS: "2" });
    workerAddress = /"address":"(ws:\/\/[^"]+)"[^\n]*live view listening/.exec(stack.log.text())![1]!;
  }, 90_000);
  afterAll(async () => {
    for (const viewer of opened) viewer.close();
    queued?.process.kill();
    await stack?.close();
  });

  async function startQueued() {
    const response = await fetch(`${queued.baseUrl}/browser-login/start?wait=0`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${stack.apiKey}`,
        "x-subject-user-id": "user-1",
        "content-type": "application/json",
      },
      body: JSON.stringify({ providerId: "demo" }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { liveViewUrl: string; liveViewViewOnlyUrl: string; status: string };
  }

  it("answers a malformed viewer upgrade with a 4xx and keeps serving (issue 16, item 1)", async () => {
    const port = Number(new URL(queued.baseUrl).port);
    const answer = await rawUpgrade(port, "/live/%zz/socket");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"bad_request"');
    for (const path of ["/live/%/socket", "/live/%E0%A4%A/socket?check=%zz", `/live/${"a".repeat(5000)}/socket`]) {
      expect(await rawUpgrade(port, path)).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    // An upgrade without the WebSocket handshake's key: refused by the WebSocket server, no crash.
    expect(await rawUpgrade(port, "/live/x/socket", "Sec-WebSocket-Key: \r\n")).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(queued.process.child.exitCode).toBeNull();
    expect((await fetch(`${queued.baseUrl}/healthz`)).status).toBe(200);
    // And the live view itself still works there.
    const started = await startQueued();
    const viewer = open(socketOf(started.liveViewUrl));
    await viewer.waitForMessage((m) => m.message === "Waiting for the page…", "the waiting message");
  });

  it("answers malformed and unsigned upgrades to the worker with a 4xx and keeps serving", async () => {
    const port = Number(new URL(workerAddress).port);
    const id = `ls_${"0".repeat(32)}`;
    for (const [path, headers] of [
      ["/sessions/%zz", ""],
      [`/sessions/${id}`, ""],
      [`/sessions/${id}`, "x-live-view-auth: 1.control.x.y\r\nx-live-view-auth: again\r\n"],
      [`/sessions/${id}`, `x-live-view-auth: ${"9".repeat(10_000)}\r\n`],
    ] as const) {
      expect(await rawUpgrade(port, path, headers)).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    const { sessionId, started } = await startTagged(stack, "demo");
    const viewer = open(socketOf(started.liveViewUrl!));
    await waitFor(() => viewer.frames() > 0, { what: "a frame through the API after the bad requests" });
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  });

  it("caps viewers at the API while the session is queued; a controlling viewer takes a view-only one's place", async () => {
    const started = await startQueued();
    expect(started.status).toBe("queued");
    const waiting = (v: RawViewer) => v.waitForMessage((m) => m.message === "Waiting for the page…", "waiting");
    const watchers = [open(socketOf(started.liveViewViewOnlyUrl)), open(socketOf(started.liveViewViewOnlyUrl))];
    await Promise.all(watchers.map(waiting));
    // Full of watchers: the person with the control link still gets in, and the latest watcher makes room.
    const person = open(socketOf(started.liveViewUrl));
    await waiting(person);
    const displaced = await watchers[1]!.waitForMessage((m) => m.t === "ended", "the watcher told it gave way");
    expect(displaced.code).toBe("displaced");
    await watchers[1]!.closed;
    // A second controlling viewer displaces the other watcher; a third finds only controlling viewers.
    const second = open(socketOf(started.liveViewUrl));
    await waiting(second);
    expect((await watchers[0]!.waitForMessage((m) => m.t === "ended", "the other watcher")).code).toBe("displaced");
    for (const link of [started.liveViewUrl, started.liveViewViewOnlyUrl]) {
      const refused = open(socketOf(link));
      expect((await refused.waitForMessage((m) => m.t === "ended", "refusal")).code).toBe("too_many_viewers");
      await refused.closed;
    }
    // A seat is given back when its viewer leaves.
    second.close();
    await waitFor(
      async () => {
        const again = open(socketOf(started.liveViewViewOnlyUrl));
        const first = await again.waitForMessage(
          (m) => m.t === "ended" || m.message === "Waiting for the page…",
          "seat",
        );
        return first.t !== "ended";
      },
      { what: "a seat once a viewer left" },
    );
    expect(person.isClosed()).toBe(false);
  });

  it("lets the person in when watchers fill the seats, through the API and at the worker", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    const watchers = [open(socketOf(started.liveViewViewOnlyUrl!)), open(socketOf(started.liveViewViewOnlyUrl!))];
    await waitFor(() => watchers.every((w) => w.frames() > 0), { what: "frames on both watchers" });
    const person = open(socketOf(started.liveViewUrl!));
    await waitFor(() => person.frames() > 0, { what: "frames on the person's view" });
    expect((await watchers[1]!.waitForMessage((m) => m.t === "ended", "displaced")).code).toBe("displaced");
    for (const viewer of [...watchers, person]) {
      viewer.close();
      await viewer.closed;
    }

    // The worker keeps the same rule for sockets that reach it (several APIs may relay one session).
    // The API's sockets to the worker close a moment after its viewers': wait until two watchers fit again.
    const direct = await waitFor(
      async () => {
        const pair = [toWorker(sessionId, "view"), toWorker(sessionId, "view")];
        const ok = await Promise.all(
          pair.map((v) =>
            v.opened.then(
              () => true,
              () => false,
            ),
          ),
        );
        if (ok.every(Boolean)) return pair;
        for (const v of pair) v.close();
        return undefined;
      },
      { what: "two watchers seated at the worker" },
    );
    const full = toWorker(sessionId, "view");
    await expect(full.opened).rejects.toThrow(/429/);
    const controller = toWorker(sessionId, "control");
    await controller.opened;
    expect((await direct[1]!.closed).code).toBe(4409);
    await waitFor(() => controller.frames() > 0, { what: "frames on the controller that reached the worker" });
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  });

  it("accepts each signed API-to-worker header once (issue 16, item 9)", async () => {
    const { sessionId } = await startTagged(stack, "demo");
    const header = signRelay(liveViewSecret(stack.config), sessionId, "view");
    const first = toWorker(sessionId, "view", header);
    await first.opened;
    first.close();
    await first.closed;
    const replayed = toWorker(sessionId, "view", header);
    await expect(replayed.opened).rejects.toThrow(/401/);
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  });

  it("closes a viewer that sends more than a person can, and drops only surplus pointer moves", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    const flooder = open(socketOf(started.liveViewUrl!));
    await waitFor(() => flooder.frames() > 0, { what: "a first frame" });
    const key = { t: "key", type: "keyUp", key: "Shift", code: "ShiftLeft", keyCode: 16 };
    for (let i = 0; i < 5_000; i++) flooder.send(key);
    expect((await flooder.waitForMessage((m) => m.t === "ended", "the flood's end")).code).toBe("too_many_messages");
    await flooder.closed;

    const mover = open(socketOf(started.liveViewUrl!));
    await waitFor(() => mover.frames() > 0, { what: "a first frame" });
    for (let i = 0; i < 20_000; i++) mover.send({ t: "mouse", type: "mouseMoved", x: i % 900, y: i % 600 });
    // Still served: a new size is taken and frames come at it.
    mover.send({ t: "viewport", width: 701, height: 501, dpr: 1 });
    await mover.waitForMessage((m) => m.t === "frame-size" && m.width === 701 && m.height === 501, "the new size");
    expect(mover.isClosed()).toBe(false);
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  });

  it("applies only the newest of many sizes asked for at once", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    const viewer = open(socketOf(started.liveViewUrl!));
    await waitFor(() => viewer.frames() > 0, { what: "a first frame" });
    for (let i = 0; i < 500; i++)
      viewer.send({ t: "viewport", width: 400 + (i % 300), height: 300 + (i % 200), dpr: 1 });
    viewer.send({ t: "viewport", width: 777, height: 555, dpr: 1 });
    await viewer.waitForMessage((m) => m.t === "frame-size" && m.width === 777, "frames at the newest size");
    const sizes = new Set(viewer.messages.filter((m) => m.t === "frame-size").map((m) => `${m.width}x${m.height}`));
    // The first size, maybe one taken while the burst arrived, and the last: never the 500 in turn.
    expect(sizes.size).toBeLessThanOrEqual(4);
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  });

  it("holds at most a bounded backlog of input for a page that stops answering", () => {
    const dispatched: ViewerMessage[] = [];
    const queue = createInputQueue(
      (message) => {
        dispatched.push(message);
        return new Promise(() => {}); // a frozen page never answers
      },
      { inFlight: 32, waiting: 256 },
    );
    for (let i = 0; i < 10_000; i++)
      queue.push({ t: "key", type: "keyDown", key: "a", code: "KeyA", keyCode: 65, modifiers: 0 });
    expect(queue.stats()).toEqual({ running: 32, waiting: 256, dropped: 10_000 - 32 - 256 });
    const move = (x: number): ViewerMessage => ({
      t: "mouse",
      type: "mouseMoved",
      x,
      y: 0,
      button: "none",
      buttons: 0,
      clickCount: 0,
      deltaX: 0,
      deltaY: 0,
      modifiers: 0,
    });
    const moves = createInputQueue(() => new Promise(() => {}), { inFlight: 1, waiting: 4 });
    for (let x = 0; x < 1_000; x++) moves.push(move(x));
    // The first went out; the 999 after it waited as one, the latest.
    expect(moves.stats()).toEqual({ running: 1, waiting: 1, dropped: 0 });
  });

  /**
   * A viewer that acks every frame but never reads its socket: frames must be dropped for it, not
   * queued. A second viewer reading normally paces the test: the stuck one acks once per frame the
   * other gets, then reads again and asks for its clipboard, whose answer follows every frame that
   * was queued for it. Without a bound, it would read them all.
   */
  async function framesQueuedForAStuckReader(stuck: RawViewer, pace: RawViewer) {
    await waitFor(() => stuck.frames() > 0 && pace.frames() > 0, { what: "first frames on both" });
    // Large frames of noise (about 2 MB each): the kernel's socket buffers hold only a few of them.
    stuck.send({ t: "viewport", width: 1600, height: 1000, dpr: 1 });
    await waitFor(
      () => {
        // Acknowledged as a page would, until frames come at the new size.
        stuck.send({ t: "ack" });
        pace.send({ t: "ack" });
        return stuck.messages.some((m) => m.t === "frame-size" && m.width === 1600);
      },
      { what: "frames at the large size", intervalMs: 50 },
    );
    stuck.stopReading();
    const before = { stuck: stuck.frames(), pace: pace.frames() };
    let acked = pace.frames();
    stuck.send({ t: "ack" });
    pace.send({ t: "ack" });
    await waitFor(
      () => {
        for (; acked < pace.frames(); acked++) {
          stuck.send({ t: "ack" });
          pace.send({ t: "ack" });
        }
        return pace.frames() - before.pace >= 60;
      },
      {
        timeoutMs: 45_000,
        intervalMs: 5,
        what: () =>
          `60 frames at the reading viewer (got ${pace.frames() - before.pace}; the stuck one ${stuck.frames() - before.stuck})`,
      },
    );
    stuck.resumeReading();
    stuck.send({ t: "copy" });
    await stuck.waitForMessage((m) => m.t === "clipboard", "the copy's answer, after the queued frames");
    return stuck.frames() - before.stuck;
  }

  it("drops frames for a viewer that stops reading, at the API", async () => {
    const { sessionId, started } = await startTagged(stack, "demo", { path: "/animated" });
    const stuck = open(socketOf(started.liveViewUrl!), {}, { ack: false });
    const pace = open(socketOf(started.liveViewViewOnlyUrl!), {}, { ack: false });
    const queuedFrames = await framesQueuedForAStuckReader(stuck, pace);
    // What the API's 512 KiB bound and the kernel's buffers hold, not the 60 frames it was offered.
    expect(queuedFrames).toBeLessThan(20);
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
    await waitForStatus(stack, sessionId, "cancelled");
  });

  it("drops frames for a relay that stops reading, at the worker", async () => {
    const { sessionId } = await startTagged(stack, "demo", { path: "/animated" });
    const stuck = toWorker(sessionId, "control", undefined, { ack: false });
    const pace = toWorker(sessionId, "view", undefined, { ack: false });
    const queuedFrames = await framesQueuedForAStuckReader(stuck, pace);
    expect(queuedFrames).toBeLessThan(20);
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  });
});
