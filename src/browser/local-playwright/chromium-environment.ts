/**
 * The environment Chromium starts with: an allow-list, never the worker's own. Playwright passes the
 * whole `process.env` by default, and every Chromium process (browser, zygotes, GPU, renderers)
 * copies it into its memory at start, so a renderer exploit would find ENCRYPTION_KEYS, API_KEYS and
 * REDIS_URL in its own heap. Chromium needs none of it: an empty environment works (docs/operations.md).
 */

/** Kept when the worker has them: time zone, language, temporary folder and fonts, as the worker sees them. */
const PASSED = ["TZ", "LANG", "LANGUAGE", "LC_ALL", "TMPDIR", "FONTCONFIG_FILE", "FONTCONFIG_PATH"];
/** Only for windows on a display; a headless browser given DISPLAY still tries to open it. */
const DISPLAY = ["DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"];

export interface ChromiumEnvironmentOptions {
  /** A folder of this launch's own, deleted with the browser (profile caches, fontconfig, dconf). */
  home: string;
  /** Windows go on a display: its variables are passed too. */
  onDisplay: boolean;
  /** More variables the operator lets through (CHROMIUM_ENV), e.g. HTTPS_PROXY. */
  extra?: string[];
  from?: NodeJS.ProcessEnv;
}

export function chromiumEnvironment({
  home,
  onDisplay,
  extra = [],
  from = process.env,
}: ChromiumEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: home };
  for (const name of [...PASSED, ...(onDisplay ? DISPLAY : []), ...extra]) {
    const value = from[name];
    if (value !== undefined && name !== "PATH" && name !== "HOME") env[name] = value;
  }
  return env;
}
