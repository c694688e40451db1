import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { screenInfoSwitch } from "../../src/browser/local-playwright/device-scale-screens.ts";
import { loadConfig } from "../../src/core/config.ts";
import { type FixtureSite, startFixtureSite } from "../fixtures/fixture-site.ts";
import { LEGIBLE_SSIM, measureLegibility } from "../helpers/screencast-legibility.ts";

/**
 * The live view's frames at the configured default JPEG quality keep a login form's small text
 * legible: the fixture's text boxes, screencast as the live view does it, against a lossless frame
 * (bench figure 11 measures the whole range; docs/live-view.md explains the bar).
 */
describe("live view image quality", () => {
  let site: FixtureSite;
  let browser: Browser;
  const quality = loadConfig({}).LIVE_VIEW_JPEG_QUALITY;

  beforeAll(async () => {
    site = await startFixtureSite();
    ({ browser } = await launchChromium(chromium, { window: "headless", args: [screenInfoSwitch()] }));
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const dpr of [1, 2]) {
    it(`keeps every text box, 11 px text included, legible at the default quality (dpr ${dpr})`, async () => {
      const { results } = await measureLegibility(
        browser,
        `${site.appOrigin}/legibility`,
        dpr,
        [
          { format: "jpeg", quality },
          { format: "jpeg", quality: 5 },
        ],
        1,
      );
      const [atDefault, atFive] = results;
      expect(atDefault!.smallestTextSsim).toBeGreaterThanOrEqual(LEGIBLE_SSIM);
      expect(atDefault!.minSsim.ssim, `the least legible box, ${atDefault!.minSsim.name}`).toBeGreaterThanOrEqual(
        LEGIBLE_SSIM,
      );
      // The measure sees what a low quality does to the same text: the bar is not met by anything.
      // (Quality 5: at dpr 2 the frame has four times the pixels, and even 20 keeps the text above it.)
      expect(atFive!.smallestTextSsim).toBeLessThan(LEGIBLE_SSIM);
    });
  }
});
