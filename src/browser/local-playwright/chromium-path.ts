import { existsSync } from "node:fs";

/**
 * Debian's `/usr/bin/chromium` is a shell wrapper; the binary behind it is started directly when it
 * is there, so that the process Playwright watches (and kills) is Chromium itself.
 */
const CANDIDATES = [
  "/usr/lib/chromium/chromium",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

export function findChromium(override?: string): string {
  if (override) {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH points to ${override}, which does not exist`);
    return override;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      "No Chromium found. Install it (apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.",
    );
  }
  return found;
}

/** Flags that keep Chromium quiet on a closed network and predictable in containers. */
export const CHROMIUM_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
  "--disable-dev-shm-usage",
  // WebRTC would otherwise reach addresses over UDP around a context's egress proxy.
  "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
];
