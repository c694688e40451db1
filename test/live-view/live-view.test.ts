import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER } from "../../src/demo/demo-site.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { spawnWorker, type WorkerProcess } from "../helpers/worker-process.ts";
import { logInThroughViewer, startViewers, type Viewers, waitForPicture } from "./viewer-driver.ts";

describe("self-hosted live view: API and worker in separate processes, a person in a second Chromium", () => {
  let stack: TestStack;
  let worker: WorkerProcess;
  let viewers: Viewers;
  const open: Viewers["open"] = (...args) => viewers.open(...args);

  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false, scriptedUser: false });
    worker = await spawnWorker(stack, { LIVE_VIEW_MAX_VIEWERS: "2" });
    viewers = await startViewers();
  }, 60_000);
  afterAll(async () => {
    await viewers?.close();
    worker?.child.kill("SIGTERM");
    await worker?.exited;
    await stack?.close();
  });

  it("logs in through the link to completed; then the socket closes and the page says so", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    expect(started.liveViewUrl!).toMatch(new RegExp(`^${stack.baseUrl}/live/${sessionId}\\.c[A-Za-z0-9_-]{24}$`));
    const viewer = await open(started.liveViewUrl!);
    await waitForPicture(viewer);
    await waitFor(async () => (await viewer.page.locator("#address").textContent())?.includes("/login?tag="), {
      what: "address bar",
    });
    const socket = await viewer.socket;
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));

    await logInThroughViewer(viewer, stack.site.loginUrl);
    await waitForStatus(stack, sessionId, "completed");
    await closed;
    await waitFor(async () => (await viewer.statusText()).includes("You are logged in — you can close this tab"), {
      what: "success message",
    });
    const after = viewer.frames();
    expect((await stack.api("GET", `/browser-login/${sessionId}`)).body.liveViewUrl).toBeNull();
    // The link of an ended session is refused, with words.
    const again = await open(started.liveViewUrl!);
    await waitFor(
      async () => (await again.statusText()).length > 0 && !(await again.statusText()).startsWith("Connecting"),
      { what: "refusal" },
    );
    expect(await again.statusText()).toMatch(/no longer valid|ended|logged in/);
    expect(again.frames()).toBe(0);
    expect(viewer.frames()).toBe(after);
    // Tokens never reach the logs.
    expect(stack.log.text()).not.toContain(started.liveViewUrl!.split("/live/")[1]);
    expect(worker.output()).not.toContain(started.liveViewUrl!.split("/live/")[1]);
  }, 60_000);

  it("follows a popup login and returns when it closes", async () => {
    const { sessionId, started } = await startTagged(stack, "demo-popup");
    const viewer = await open(started.liveViewUrl!);
    await waitForPicture(viewer);
    const address = async () => (await viewer.page.locator("#address").textContent()) ?? "";
    await viewer.clickLike(`${stack.site.appOrigin}/popup`, "#open-closing");
    await waitFor(async () => (await address()).endsWith("/closing"), { what: "view on the window that closes" });
    await viewer.clickLike(`${stack.site.appOrigin}/closing`, "#close");
    await waitFor(async () => (await address()).includes("/popup?tag="), { what: "view back on the opener" });

    await viewer.clickLike(`${stack.site.appOrigin}/popup`, "#open-login");
    await waitFor(async () => (await viewer.page.locator("#address").textContent())?.includes("/login?popup=1"), {
      what: "view on the popup",
    });
    expect(await viewer.page.locator("#tabs button").count()).toBe(2);
    // The tab buttons switch the view: to the opener and back.
    await viewer.page.locator("#tabs button").first().click();
    await waitFor(async () => (await address()).includes("/popup?tag="), {
      what: "view on the opener by its tab button",
    });
    await viewer.page.locator("#tabs button").nth(1).click();
    await waitFor(async () => (await address()).includes("/login?popup=1"), {
      what: "view on the popup by its tab button",
    });
    await logInThroughViewer(viewer, `${stack.site.appOrigin}/login?popup=1`);
    await waitForStatus(stack, sessionId, "completed");
    await waitFor(async () => (await viewer.statusText()).includes("You are logged in"), { what: "success message" });
  }, 60_000);

  it("refuses session A's token for session B", async () => {
    const a = await startTagged(stack, "demo");
    const b = await startTagged(stack, "demo");
    const forged = a.started.liveViewUrl!.replace(a.sessionId, b.sessionId);
    expect((await fetch(forged)).status).toBe(404);
    const viewer = await open(forged);
    await waitFor(async () => /not valid/.test(await viewer.statusText()), { what: "refusal" });
    expect(viewer.frames()).toBe(0);
    await stack.api("POST", `/browser-login/${a.sessionId}/cancel`);
    await stack.api("POST", `/browser-login/${b.sessionId}/cancel`);
  }, 60_000);

  it("revoke cuts the old viewer off within a second and issues a working new link", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    const viewer = await open(started.liveViewUrl!);
    await waitForPicture(viewer);
    const socket = await viewer.socket;
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
    const before = Date.now();
    const revoked = await stack.api("POST", `/browser-login/${sessionId}/live-view/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.liveViewUrl).not.toBe(started.liveViewUrl!);
    expect((await closed) - before).toBeLessThan(1_000);
    await waitFor(async () => /revoked/.test(await viewer.statusText()), { what: "revoked message" });
    expect((await fetch(started.liveViewUrl!)).status).toBe(404);

    const fresh = await open(revoked.body.liveViewUrl);
    await waitForPicture(fresh, "the new link's picture");
    await logInThroughViewer(fresh, stack.site.loginUrl);
    await waitForStatus(stack, sessionId, "completed");
  }, 60_000);

  it("pastes from the viewer's clipboard and follows a resize of the viewer", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    const viewer = await open(started.liveViewUrl!, { width: 1000, height: 700 });
    await viewer.page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await waitForPicture(viewer);
    await viewer.page.setViewportSize({ width: 640, height: 900 });
    // The remote page now lays out at the new size: where the form lies there is only known at that size.
    await waitFor(() => viewer.frameSizes().some((s) => s.width === 640 && s.height === 900 - 36), {
      what: "frames at the new size",
    });
    await waitFor(() => viewer.framePixels()?.width === 640 && viewer.framePixels()?.height === 864, {
      what: "frames of 640×864 pixels",
    });
    await viewer.clickLike(stack.site.loginUrl, "#username");
    await viewer.page.keyboard.type(DEMO_USER.username);
    await viewer.page.keyboard.press("Tab");
    await viewer.page.evaluate((text) => navigator.clipboard.writeText(text), DEMO_USER.password);
    await viewer.page.keyboard.press("Control+V");
    await viewer.page.keyboard.press("Enter");
    const done = await waitForStatus(stack, sessionId, "completed");
    expect(done.lastLoginRejection).toBeUndefined();
  }, 60_000);

  it("shows one session to two viewers; a view-only link's input does not reach the page; a third viewer is refused", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    expect(started.liveViewViewOnlyUrl!).toMatch(new RegExp(`/live/${sessionId}\\.v`));
    const watcher = await open(started.liveViewViewOnlyUrl!);
    const controller = await open(started.liveViewUrl!);
    await Promise.all([waitForPicture(watcher), waitForPicture(controller)]);
    // A watcher finds no seat (a controlling viewer would take the watcher's: live-view-limits.test.ts).
    const third = await open(started.liveViewViewOnlyUrl!);
    await waitFor(async () => /as many viewers as allowed/.test(await third.statusText()), {
      what: "third viewer refused",
    });

    // Typed into the field by the watcher, it would spoil the user name and the login would be rejected.
    await watcher.clickLike(stack.site.loginUrl, "#username");
    await watcher.page.keyboard.type("mallory");
    await logInThroughViewer(controller, stack.site.loginUrl);
    const done = await waitForStatus(stack, sessionId, "completed");
    expect(done.lastLoginRejection).toBeUndefined();
    for (const viewer of [watcher, controller]) {
      await waitFor(async () => (await viewer.statusText()).includes("You are logged in"), {
        what: "success on both viewers",
      });
    }
  }, 60_000);

  it("types non-ASCII text and an IME composition into the page", async () => {
    const { sessionId, started } = await startTagged(stack, "demo", { path: "/echo" });
    const viewer = await open(started.liveViewUrl!);
    await waitForPicture(viewer);
    await viewer.clickLike(`${stack.site.appOrigin}/echo`, "#q");
    await viewer.page.keyboard.type("é");
    // The viewer's own operating-system IME, as DevTools emulates it in the viewer's browser.
    const ime = await viewer.page.context().newCDPSession(viewer.page);
    await ime.send("Input.imeSetComposition", { text: "にほん", selectionStart: 3, selectionEnd: 3 });
    await ime.send("Input.insertText", { text: "日本" });
    await viewer.page.keyboard.press("Enter");
    await waitFor(
      async () => (await viewer.page.locator("#address").textContent())?.includes(`q=${encodeURIComponent("é日本")}`),
      { what: "typed text in the address" },
    );
    // The new document keeps the viewer's size.
    await waitFor(() => viewer.frameSizes().at(-1)?.width === 1000 && viewer.frameSizes().at(-1)?.height === 700 - 36, {
      what: "frames at the viewer's size after the navigation",
    });
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  }, 60_000);

  it("copies the page's selection to the viewer's clipboard, never a password field's", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    const viewer = await open(started.liveViewUrl!);
    await viewer.page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    const answers: string[] = [];
    (await viewer.socket).on("framereceived", (f) => {
      if (typeof f.payload === "string" && JSON.parse(f.payload).t === "clipboard")
        answers.push(JSON.parse(f.payload).text);
    });
    const clipboard = () => viewer.page.evaluate(() => navigator.clipboard.readText());
    await waitForPicture(viewer);
    await viewer.clickLike(stack.site.loginUrl, "#username");
    await viewer.page.keyboard.type("copy me");
    // The remote field may take the focus and the keys a moment after the click: select and copy again until it has them.
    let copies = 0;
    await waitFor(
      async () => {
        await viewer.page.keyboard.press("Control+A");
        await viewer.page.keyboard.press("Control+C");
        copies += 1;
        return (await clipboard()) === "copy me";
      },
      { what: "the selection in the viewer's clipboard", intervalMs: 500 },
    );
    await waitFor(() => answers.length === copies, { what: "an answer to every copy" });
    expect(answers.at(-1)).toBe("copy me");

    const copiesBefore = answers.length;
    await viewer.page.keyboard.press("Tab");
    await viewer.page.keyboard.type("hunter2-secret");
    await viewer.page.keyboard.press("Control+A");
    await viewer.page.keyboard.press("Control+C");
    await waitFor(() => answers.length === copiesBefore + 1, { what: "the answer to the password field's copy" });
    expect(answers.at(-1)).toBe("");
    expect(await clipboard()).toBe("copy me");
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  }, 60_000);

  it("logs in from a phone: taps on the fields and the button, text from the phone's keyboard", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    // Alone on the worker: viewers left open by earlier tests would share its pixel budget (pixel-budget.ts).
    await viewers.closeOpened();
    const phone = { isMobile: true, hasTouch: true, deviceScaleFactor: 3 };
    const viewer = await open(started.liveViewUrl!, { width: 390, height: 700 }, phone);
    await waitForPicture(viewer);
    // The remote page lays out at the phone's width, three device pixels to the CSS pixel.
    await waitFor(() => viewer.frameSizes().at(-1)?.width === 390, { what: "frames at the phone's width" });
    // Crisp on the phone: frames of its device pixels, not CSS pixels scaled up.
    await waitFor(() => viewer.framePixels()?.width === 390 * 3 && viewer.framePixels()?.height === (700 - 36) * 3, {
      what: () => `frames of the phone's 1170×1992 device pixels (last: ${JSON.stringify(viewer.framePixels())})`,
    });
    await viewer.tapLike(stack.site.loginUrl, "#username");
    // A phone keyboard types without key events: the text arrives as input in the page's hidden field.
    await viewer.page.keyboard.insertText(DEMO_USER.username);
    await viewer.tapLike(stack.site.loginUrl, "#password");
    await viewer.page.keyboard.insertText(DEMO_USER.password);
    await viewer.tapLike(stack.site.loginUrl, "#submit");
    const done = await waitForStatus(stack, sessionId, "completed");
    expect(done.lastLoginRejection).toBeUndefined();
    await waitFor(async () => (await viewer.statusText()).includes("You are logged in"), {
      what: "success message on the phone",
    });
  }, 60_000);

  // It kills the worker; the next test starts another.
  it("tells the viewer when the worker dies, rather than freezing the picture", async () => {
    const { started } = await startTagged(stack, "demo");
    const viewer = await open(started.liveViewUrl!);
    await waitForPicture(viewer);
    worker.child.kill("SIGKILL");
    await worker.exited;
    await waitFor(async () => /stopped responding/.test(await viewer.statusText()), { what: "worker-lost message" });
  }, 60_000);

  // After the worker was killed: no worker holds sessions until one is started again.
  it("hands out the link at once: it waits for the page until a worker takes the session, then works", async () => {
    const { sessionId, started } = await startTagged(stack, "demo", { wait: 0 });
    expect(started.status).toBe("queued");
    expect(started.liveViewUrl).toMatch(new RegExp(`^${stack.baseUrl}/live/${sessionId}\\.c[A-Za-z0-9_-]{24}$`));
    expect(started.liveViewViewOnlyUrl).toMatch(new RegExp(`/live/${sessionId}\\.v`));
    const viewer = await open(started.liveViewUrl!);
    await waitFor(async () => (await viewer.statusText()) === "Waiting for the page…", { what: "the waiting message" });
    expect(viewer.frames()).toBe(0);

    worker = await spawnWorker(stack, { LIVE_VIEW_MAX_VIEWERS: "2" });
    await waitForPicture(viewer, "the picture once a worker holds the session");
    expect((await stack.api("GET", `/browser-login/${sessionId}`)).body.liveViewUrl).toBe(started.liveViewUrl);
    await logInThroughViewer(viewer, stack.site.loginUrl);
    await waitForStatus(stack, sessionId, "completed");
    await waitFor(async () => (await viewer.statusText()).includes("You are logged in"), { what: "success message" });
  }, 60_000);
});
