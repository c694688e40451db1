import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER } from "../../src/demo/demo-site.ts";
import { mintViewerCheck } from "../../src/live-view/viewer-check.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { startViewers, type Viewers, waitForPicture } from "./viewer-driver.ts";

const VERIFIER_KEY = "verifier-key-for-tests-0123456789abcdef";

describe("live view in one process (as npm start runs it), with the viewer check and framing settings", () => {
  let stack: TestStack;
  let viewers: Viewers;
  const open = (url: string) => viewers.open(url);

  beforeAll(async () => {
    stack = await startTestStack({
      scriptedUser: false,
      env: {
        LIVE_VIEW_VERIFIER_KEY: VERIFIER_KEY,
        LIVE_VIEW_FRAME_ANCESTORS: "https://app.example.com",
        WORKER_CONCURRENCY: "10",
      },
    });
    viewers = await startViewers();
  }, 60_000);
  afterAll(async () => {
    await viewers?.close();
    await stack?.close();
  });

  it("opens a link only with the app's viewer check; the page may be framed only by the listed origin", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    const bare = await fetch(started.liveViewUrl!);
    expect(bare.status).toBe(403);
    expect(bare.headers.get("content-security-policy")).toContain("frame-ancestors https://app.example.com");
    expect(bare.headers.get("referrer-policy")).toBe("no-referrer");
    const refused = await open(started.liveViewUrl!);
    await waitFor(async () => /opened from the app that started it/.test(await refused.statusText()), {
      what: "viewer check refusal",
    });
    expect(refused.frames()).toBe(0);
    const expired = await open(
      `${started.liveViewUrl}?check=${mintViewerCheck(VERIFIER_KEY, sessionId, 60_000, Date.now() - 120_000)}`,
    );
    await waitFor(async () => /opened from the app/.test(await expired.statusText()), {
      what: "expired check refused",
    });

    const checked = await open(`${started.liveViewUrl}?check=${mintViewerCheck(VERIFIER_KEY, sessionId)}`);
    await waitForPicture(checked);
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
    await waitFor(async () => /cancelled/.test(await checked.statusText()), { what: "cancelled message" });
  }, 60_000);

  it("lets ten people log in at once through ten views of one worker", async () => {
    const sessions = await Promise.all(Array.from({ length: 10 }, () => startTagged(stack, "demo")));
    const opened = await Promise.all(
      sessions.map(({ sessionId, started }) =>
        open(`${started.liveViewUrl}?check=${mintViewerCheck(VERIFIER_KEY, sessionId)}`),
      ),
    );
    await Promise.all(opened.map((viewer) => waitForPicture(viewer)));
    await Promise.all(
      opened.map(async (viewer) => {
        await viewer.clickLike(stack.site.loginUrl, "#username");
        await viewer.page.keyboard.type(DEMO_USER.username);
        await viewer.page.keyboard.press("Tab");
        await viewer.page.keyboard.type(DEMO_USER.password);
        await viewer.page.keyboard.press("Enter");
      }),
    );
    const done = await Promise.all(
      sessions.map(({ sessionId }) => waitForStatus(stack, sessionId, "completed", { timeoutMs: 60_000 })),
    );
    expect(done.every((d) => d.lastLoginRejection === undefined)).toBe(true);
    await Promise.all(
      opened.map((viewer) =>
        waitFor(async () => (await viewer.statusText()).includes("You are logged in"), { what: "success message" }),
      ),
    );
  }, 150_000);
});
