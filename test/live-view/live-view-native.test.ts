import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASIC_AUTH } from "../fixtures/native-ui-pages.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTagged } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { startViewers, type Viewer, type Viewers, waitForPicture } from "./viewer-driver.ts";

/**
 * Everything the browser shows, the view shows (issue 18, §3): a person in a second Chromium uses
 * only the viewer page (mouse, keyboard, touch). What the remote page saw, it writes into its own
 * address (test/fixtures/native-ui-pages.ts), which the viewer's address bar shows.
 * No scripted user is attached to the worker's browser: a second Playwright client there would
 * dismiss the dialogs itself (it has no listener for them).
 * LIVE_VIEW_SCREENSHOTS=<folder> saves the view with a select's list and with a confirm dialog
 * (docs/live-view-select.png, docs/live-view-confirm.png).
 */
const screenshots = process.env.LIVE_VIEW_SCREENSHOTS;
describe("live view: the browser's own UI, shown in the view and answered there", () => {
  let stack: TestStack;
  let viewers: Viewers;

  beforeAll(async () => {
    stack = await startTestStack({ scriptedUser: false });
    viewers = await startViewers();
  }, 60_000);
  afterAll(async () => {
    await viewers?.close();
    await stack?.close();
  });

  const native = (path = "/native") => `${stack.site.appOrigin}${path}`;
  /** What the page recorded in its address, as the viewer's address bar shows it. */
  async function seen(viewer: Viewer): Promise<URLSearchParams> {
    const address = (await viewer.page.locator("#address").textContent()) ?? "";
    return new URL(address || "http://x/").searchParams;
  }
  const waitSeen = (viewer: Viewer, key: string, value: string) =>
    waitFor(async () => (await seen(viewer)).get(key) === value, {
      what: () => `the page to see ${key}=${value}`,
    });

  async function openOn(
    path: string,
    providerId = "demo",
    device?: Parameters<Viewers["open"]>[2],
    size?: { width: number; height: number },
  ) {
    const { sessionId, started } = await startTagged(stack, providerId, { path });
    const viewer = await viewers.open(started.liveViewUrl!, size, device);
    await waitForPicture(viewer);
    return { sessionId, viewer };
  }
  /** This process runs the worker: its sessions' upload folders. */
  const uploadFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`blc-upload-${process.pid}-`));
  const cancel = (sessionId: string) => stack.api("POST", `/browser-login/${sessionId}/cancel`);

  it("shows a select's options and chooses one with the mouse, as a person's click in the list would", async () => {
    const { sessionId, viewer } = await openOn("/native");
    await viewer.clickLike(native(), "#country");
    const list = viewer.page.locator("#native .native-list");
    await list.waitFor();
    const labels = await list.locator(".option").allTextContents();
    expect(labels).toEqual(["Choose a country", "France", "Germany", "Italy (closed)", "Spain", "Japan", "Korea"]);
    expect(await list.locator(".group").allTextContents()).toEqual(["Europe", "Asia"]);
    expect(await list.locator(".option", { hasText: "Italy" }).getAttribute("aria-disabled")).toBe("true");
    await list.locator(".option", { hasText: "Germany" }).hover();
    if (screenshots) await viewer.page.screenshot({ path: join(screenshots, "live-view-select.png") });
    await list.locator(".option", { hasText: "Spain" }).click();
    await waitSeen(viewer, "country", "es");
    expect((await seen(viewer)).get("countryTrusted")).toBe("true");
    await list.waitFor({ state: "detached" });
    await cancel(sessionId);
  });

  it("works a select's list with the keyboard: arrows, type-ahead, Enter and Escape", async () => {
    const { sessionId, viewer } = await openOn("/native");
    const list = viewer.page.locator("#native .native-list");
    await viewer.clickLike(native(), "#country");
    await list.waitFor();
    // Down twice from "Choose a country": France, Germany.
    await viewer.page.keyboard.press("ArrowDown");
    await viewer.page.keyboard.press("ArrowDown");
    await viewer.page.keyboard.press("Enter");
    await waitSeen(viewer, "country", "de");
    await list.waitFor({ state: "detached" });
    // Down from Germany skips the closed Italy.
    await viewer.clickLike(native(), "#country");
    await list.waitFor();
    await viewer.page.keyboard.press("ArrowDown");
    await viewer.page.keyboard.press("Enter");
    await waitSeen(viewer, "country", "es");
    await list.waitFor({ state: "detached" });
    await viewer.clickLike(native(), "#country");
    await list.waitFor();
    await viewer.page.keyboard.press("k");
    await viewer.page.keyboard.press("Enter");
    await waitSeen(viewer, "country", "kr");
    await list.waitFor({ state: "detached" });
    // Escape leaves the value as it was.
    await viewer.clickLike(native(), "#country");
    await list.waitFor();
    await viewer.page.keyboard.press("Escape");
    await list.waitFor({ state: "detached" });
    await viewer.page.keyboard.press("Tab");
    expect((await seen(viewer)).get("country")).toBe("kr");
    await cancel(sessionId);
  });

  it("works a select's list with a finger on a phone", async () => {
    const phone = { isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
    const { sessionId, viewer } = await openOn("/native", "demo", phone, { width: 390, height: 700 });
    await waitFor(() => viewer.frameSizes().at(-1)?.width === 390, { what: "frames at the phone's width" });
    await viewer.tapLike(native(), "#country");
    const list = viewer.page.locator("#native .native-list");
    await list.waitFor();
    await list.locator(".option", { hasText: "Japan" }).tap();
    await waitSeen(viewer, "country", "jp");
    expect((await seen(viewer)).get("countryTrusted")).toBe("true");
    await cancel(sessionId);
  });

  it("offers the date, time and colour pickers as the viewer's own fields", async () => {
    const { sessionId, viewer } = await openOn("/native");
    const picker = viewer.page.locator("#native .native-box.picker");

    await viewer.clickLike(native(), "#day");
    await picker.locator("input[type=date]").waitFor();
    expect(await picker.locator("input").getAttribute("max")).toBe("2030-12-31");
    await picker.locator("input").fill("2026-07-04");
    await picker.getByRole("button", { name: "OK" }).click();
    await waitSeen(viewer, "day", "2026-07-04");
    // Typed into the field's segments with keys: the page's change event is a person's.
    expect((await seen(viewer)).get("dayTrusted")).toBe("true");

    await viewer.clickLike(native(), "#at");
    await picker.locator("input[type=time]").waitFor();
    await picker.locator("input").fill("21:30");
    await picker.locator("input").press("Enter");
    await waitSeen(viewer, "at", "21:30");
    expect((await seen(viewer)).get("atTrusted")).toBe("true");

    await viewer.clickLike(native(), "#colour");
    await picker.locator("input[type=color]").waitFor();
    await picker.locator("input").fill("#00aa33");
    await picker.getByRole("button", { name: "OK" }).click();
    await waitSeen(viewer, "colour", "#00aa33");
    await cancel(sessionId);
  });

  it("shows a field's datalist suggestions as the person types, and takes one", async () => {
    const { sessionId, viewer } = await openOn("/native");
    await viewer.clickLike(native(), "#city");
    await viewer.page.keyboard.type("par");
    const list = viewer.page.locator("#native .native-list");
    await waitFor(async () => (await list.locator(".option").allTextContents()).join() === "Paris,Parma", {
      what: "the suggestions for par",
    });
    await list.locator(".option", { hasText: "Parma" }).click();
    await waitSeen(viewer, "city", "Parma");
    await cancel(sessionId);
  });

  it("shows alert, confirm and prompt with the site's words, and the person's answers reach the page", async () => {
    const { sessionId, viewer } = await openOn("/native");
    const box = viewer.page.locator("#native .native-box[role=dialog]");

    await viewer.clickLike(native(), "#confirm");
    await box.waitFor();
    expect(await box.locator("h2").textContent()).toBe(`${new URL(stack.site.appOrigin).origin} says`);
    expect(await box.locator(".message").textContent()).toBe("Trust this device for 30 days?");
    if (screenshots) await viewer.page.screenshot({ path: join(screenshots, "live-view-confirm.png") });
    await box.getByRole("button", { name: "OK" }).click();
    await waitSeen(viewer, "confirm", "true");
    await box.waitFor({ state: "detached" });

    await viewer.clickLike(native(), "#confirm");
    await box.waitFor();
    await viewer.page.keyboard.press("Escape");
    await waitSeen(viewer, "confirm", "false");

    await viewer.clickLike(native(), "#prompt");
    await box.locator("input").waitFor();
    expect(await box.locator("input").inputValue()).toBe("123");
    await box.locator("input").fill("4711");
    await viewer.page.keyboard.press("Enter");
    await waitSeen(viewer, "prompt", "4711");

    await viewer.clickLike(native(), "#alert");
    await box.waitFor();
    expect(await box.getByRole("button").allTextContents()).toEqual(["OK"]);
    await box.getByRole("button", { name: "OK" }).click();
    await waitSeen(viewer, "alert", "closed");
    await cancel(sessionId);
  });

  it("shows a view-only viewer the dialog without a way to answer it; the controlling viewer answers", async () => {
    const { sessionId, started } = await startTagged(stack, "demo", { path: "/native" });
    const person = await viewers.open(started.liveViewUrl!);
    const watcher = await viewers.open(started.liveViewViewOnlyUrl!);
    await Promise.all([waitForPicture(person), waitForPicture(watcher)]);
    // What the watcher's page was sent, to say why should it not show the dialog.
    const got: string[] = [];
    (await watcher.socket).on(
      "framereceived",
      (f) => typeof f.payload === "string" && got.push(f.payload.slice(0, 120)),
    );
    await person.clickLike(native(), "#confirm");
    const watched = watcher.page.locator("#native .native-box[role=dialog]");
    await watched.waitFor().catch((error: Error) => {
      throw new Error(`${error.message.split("\n")[0]}; the watcher was sent: ${got.join(" | ")}`);
    });
    expect(await watched.locator(".message").textContent()).toBe("Trust this device for 30 days?");
    expect(await watched.getByRole("button").count()).toBe(0);
    await person.page.locator("#native .native-box").getByRole("button", { name: "OK" }).click();
    await waitSeen(person, "confirm", "true");
    await watched.waitFor({ state: "detached" });
    await cancel(sessionId);
  });

  it("holds a dialog opened while the page loads, with no viewer yet, until a person answers it", async () => {
    // The confirm opens before the load event: the session still reaches the person, nothing answers for them.
    const { sessionId, started } = await startTagged(stack, "demo", { path: "/native?dialog=confirm" });
    expect(started.status).toBe("awaiting_login");
    const viewer = await viewers.open(started.liveViewUrl!);
    const box = viewer.page.locator("#native .native-box[role=dialog]");
    await box.waitFor();
    expect(await box.locator(".message").textContent()).toBe("Accept the terms to continue?");
    await box.getByRole("button", { name: "OK" }).click();
    await waitSeen(viewer, "atLoad", "true");
    await cancel(sessionId);
  });

  it("asks before leaving a page that asks (beforeunload), and stays or leaves as the person says", async () => {
    const { sessionId, viewer } = await openOn("/native?leave=1");
    // Browsers ask only once the person has interacted with the page.
    await viewer.clickLike(native(), "h1");
    const loaded = (await seen(viewer)).get("load");
    const box = viewer.page.locator("#native .native-box[role=dialog]");
    await viewer.page.locator("#reload").click();
    await box.waitFor();
    expect(await box.locator("h2").textContent()).toBe("Leave site?");
    await box.getByRole("button", { name: "Cancel" }).click();
    await box.waitFor({ state: "detached" });
    await viewer.page.locator("#reload").click();
    await box.waitFor();
    expect((await seen(viewer)).get("load")).toBe(loaded);
    await box.getByRole("button", { name: "Leave" }).click();
    await waitFor(async () => (await seen(viewer)).get("load") !== loaded, { what: "the page reloaded" });
    await cancel(sessionId);
  });

  it("lets a page that greets with an alert be captured while the alert is open", async () => {
    // demo-cookie succeeds on the session cookie, which the page's login sets just before its alert.
    const { sessionId, viewer } = await openOn("/native", "demo-cookie");
    await viewer.clickLike(native(), "#login");
    await waitFor(async () => (await stack.api("GET", `/browser-login/${sessionId}`)).body.status === "completed", {
      what: "the capture to complete",
      timeoutMs: 20_000,
    });
  });

  it("asks for HTTP authentication in a small form; the answer goes to the browser only", async () => {
    const { sessionId, started } = await startTagged(stack, "demo", { path: "/basic-auth" });
    // The challenge holds the page's load: the session reaches the person anyway.
    expect(started.status).toBe("awaiting_login");
    const viewer = await viewers.open(started.liveViewUrl!);
    const form = viewer.page.locator("#native form[role=dialog]");
    await form.waitFor();
    expect(await form.locator("p").first().textContent()).toBe(
      `${new URL(stack.site.appOrigin).origin} asks for a user name and password for “Staff area”.`,
    );
    await form.getByLabel("User name").fill(BASIC_AUTH.username);
    await form.getByLabel("Password").fill("not-the-password-4417");
    await form.getByRole("button", { name: "Sign in" }).click();
    await form.locator(".error").waitFor();
    await form.getByLabel("User name").fill(BASIC_AUTH.username);
    await form.getByLabel("Password").fill(BASIC_AUTH.password);
    await viewer.page.keyboard.press("Enter");
    await waitFor(async () => (await viewer.page.locator("#title").textContent()) === "Signed in as demo", {
      what: "the signed-in page's title in the view",
    });
    await cancel(sessionId);
    // Neither password was logged or stored.
    for (const secret of [BASIC_AUTH.password, "not-the-password-4417"]) {
      expect(stack.log.text()).not.toContain(secret);
      expect(await dumpRedis(stack.redis.url)).not.toContain(secret);
    }
  });

  it("sends a file the person picks on their machine to the page's file input, and removes it with the session", async () => {
    const { sessionId, viewer } = await openOn("/native");
    await viewer.clickLike(native(), "#file");
    const box = viewer.page.locator("#native form[role=dialog]");
    await box.waitFor();
    expect(await box.locator("h2").textContent()).toBe("Choose a file");
    const chooser = viewer.page.waitForEvent("filechooser");
    await box.getByRole("button", { name: "Choose a file…" }).click();
    const content = "hello from my machine";
    await (await chooser).setFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from(content) });
    await waitSeen(viewer, "file", `notes.txt:${content.length}:${content}`);
    // The page's own change event, from the browser's file chooser.
    expect((await seen(viewer)).get("fileTrusted")).toBe("true");
    expect(uploadFolders()).toHaveLength(1);
    await cancel(sessionId);
    await waitFor(() => uploadFolders().length === 0, { what: "the session's upload folder to be removed" });
  });

  it("tells the person that a download was refused and that a location request was denied", async () => {
    const { sessionId, viewer } = await openOn("/native");
    const notice = viewer.page.locator("#notice");
    await viewer.clickLike(native(), "#download");
    await waitFor(async () => (await notice.textContent())?.includes("“report.pdf” was not downloaded"), {
      what: "the download notice",
    });
    await viewer.clickLike(native(), "#locate");
    await waitSeen(viewer, "where", "refused-1");
    await waitFor(async () => (await notice.textContent())?.includes("asked for your location: refused"), {
      what: "the location notice",
    });
    await cancel(sessionId);
  });

  it("types into the field the site focused before any click on the picture", async () => {
    const { sessionId, viewer } = await openOn("/autofocus");
    await viewer.page.keyboard.type("alice");
    await viewer.page.keyboard.press("Enter");
    await waitFor(async () => (await viewer.page.locator("#address").textContent())?.endsWith("q=alice"), {
      what: "the typed search in the address",
    });
    await cancel(sessionId);
  });

  it("follows a single-page app's route change and its new title", async () => {
    const { sessionId, viewer } = await openOn("/routes/home");
    await viewer.clickLike(native("/routes/home"), "#system");
    await waitFor(async () => (await viewer.page.locator("#address").textContent())?.endsWith("/routes/system"), {
      what: "the new route in the address",
    });
    await waitFor(async () => (await viewer.page.locator("#title").textContent()) === "System", {
      what: "the new title",
    });
    await cancel(sessionId);
  });
});
