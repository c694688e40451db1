import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotSignalSite, firedSignals, type Signal, startBotSignalSite } from "../fixtures/bot-signal-site.ts";
import { waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { startViewers, type Viewer, type Viewers, waitForPicture } from "../live-view/viewer-driver.ts";

/**
 * What the only signal left means: without a GPU, WebGL runs on SwiftShader, and its renderer string
 * says so. No switch changes it, and a script that does is seen through (docs/real-sites.md).
 */
const NO_GPU = ["webgl.renderer"];
/**
 * A service worker's script is fetched by the browser itself, with the browser's own languages (the
 * deployment's BROWSER_LOCALE): no per-session setting reaches that one request, so a person whose
 * language is another shows it there (docs/real-sites.md).
 */
const OTHER_LANGUAGE = ["headers.serviceWorkerScript"];
/** Unusual for people's browsers but common among them (Linux desktops): kept in view, not hidden. */
const SOFT_OF_A_SERVER = ["webgpu.adapter (soft)", "mediaDevices (soft)", "speechSynthesis.voices (soft)"];

/**
 * The browser a person logs in with, as a site's own scripts see it: the bot-signal page
 * (test/fixtures/bot-signals/: BotD 2 offline and about 45 tells that detection projects use) loaded
 * as a provider's login page in the default configuration, viewed, typed into and copied from through
 * the live view as a person would. A signal that comes back fails the test.
 */
describe("real sites: the login browser shows no automation tells", () => {
  let bots: BotSignalSite;
  let stack: TestStack;
  let viewers: Viewers;

  beforeAll(async () => {
    bots = await startBotSignalSite();
    const provider = (id: string, url: string) => ({
      id,
      name: id,
      loginUrl: url,
      success: { url: { pathname: "/never" } },
    });
    stack = await startTestStack({
      // No scripted user attached to the worker's browser: a DevTools client of the test's own would show.
      scriptedUser: false,
      extraProviders: [
        provider("bots-person", bots.pageUrl("person", { timeZone: "Europe/Paris" })),
        provider("bots-default", bots.pageUrl("default")),
      ],
    });
    viewers = await startViewers();
  });

  afterAll(async () => {
    await viewers?.close();
    await stack?.close();
    await bots?.close();
  });

  /** Starts the provider's session, then acts as the person: the view opens, the mouse moves, a click, two keys. */
  async function visit(providerId: string, person: { locale?: string; timeZone?: string }): Promise<Signal[]> {
    const started = await stack.api("POST", "/browser-login/start?wait=10000", { body: { providerId, ...person } });
    expect(started.status).toBe(202);
    const sessionId = started.body.sessionId as string;
    await waitForStatus(stack, sessionId, "awaiting_login");
    const viewer = await viewers.open(started.body.liveViewUrl, { width: 1000, height: 700 });
    try {
      await waitForPicture(viewer);
      // The page's login field is at (100, 120), 200 x 24 CSS pixels of the remote page.
      for (const [x, y] of [
        [60, 60],
        [120, 100],
        [150, 132],
      ] as const) {
        await moveTo(viewer, x, y);
      }
      await clickAt(viewer, 150, 132);
      await viewer.page.keyboard.type("ab");
      // Copy: the live view reads the page's selection (in an isolated world, where the page cannot see it).
      await viewer.page.keyboard.press("Shift+ArrowLeft");
      await viewer.page.keyboard.press("Control+c");
      return await bots.finish(providerId === "bots-person" ? "person" : "default");
    } finally {
      await viewer.close();
      await stack.api("POST", `/browser-login/${sessionId}/cancel`);
    }
  }

  it("shows nothing but the missing GPU with the person's locale and time zone (as the connect page passes them)", async () => {
    const signals = await visit("bots-person", { locale: "fr-FR", timeZone: "Europe/Paris" });
    const hard = firedSignals(signals).filter((s) => !SOFT_OF_A_SERVER.includes(s));
    expect(hard.sort()).toEqual([...NO_GPU, ...OTHER_LANGUAGE].sort());
    const intl = signals.find((s) => s.name === "intl.timeZone")!.value as { timeZone: string };
    expect(intl.timeZone).toBe("Europe/Paris");
    const languages = signals.find((s) => s.name === "languages")!.value as { language: string };
    expect(languages.language).toBe("fr-FR");
  });

  it("shows nothing but the missing GPU when nobody says where the person is", async () => {
    const signals = await visit("bots-default", {});
    expect(firedSignals(signals).filter((s) => !SOFT_OF_A_SERVER.includes(s))).toEqual(NO_GPU);
    // BotD itself, the detector the issue was opened with, finds nothing.
    expect(signals.find((s) => s.name === "botd.detect")).toMatchObject({ bot: false });
  });
});

/** The viewer's canvas point for a point of the remote page. */
async function pointFor(viewer: Viewer, x: number, y: number) {
  const canvas = (await viewer.page.locator("#screen").boundingBox())!;
  const remote = viewer.frameSizes().at(-1)!;
  return { x: canvas.x + (x * canvas.width) / remote.width, y: canvas.y + (y * canvas.height) / remote.height };
}

async function moveTo(viewer: Viewer, x: number, y: number) {
  const at = await pointFor(viewer, x, y);
  await viewer.page.mouse.move(at.x, at.y, { steps: 4 });
}

async function clickAt(viewer: Viewer, x: number, y: number) {
  const at = await pointFor(viewer, x, y);
  await viewer.page.mouse.click(at.x, at.y);
}
