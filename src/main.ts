import { createLogger } from "./logger.js";
import { shouldRunHeadless } from "./runtime/build-parts.js";
import { startLocalStack } from "./runtime/local-stack.js";
import { loadConfigOrExit, runService } from "./runtime/service-process.js";

/** `npm start`: the whole service on this machine, on embedded defaults. */
const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const stack = await runService({ config, logger, start: () => startLocalStack(config, logger) });

const key = stack.apiKey ?? "<one of API_KEYS>";
const firstProvider = stack.providers.list()[0]!.id;
const headless = config.BROWSER_ADAPTER === "local" && shouldRunHeadless(config);
const browserLine =
  config.BROWSER_ADAPTER !== "local"
    ? `browser: ${config.BROWSER_ADAPTER} (open the liveViewUrl of each session)`
    : headless
      ? "browser: local Chromium, headless: no display was found, so no window opens (set DISPLAY, or run under xvfb-run, for one)"
      : "browser: local Chromium, a window opens for each login";
process.stdout.write(`
browser-login-capture is running at ${stack.baseUrl}
  ${browserLine}
  providers: ${stack.providers.list().map((p) => p.id).join(", ")}
  API key: ${key}${stack.apiKey ? " (development key from the data folder; set API_KEYS for your own)" : ""}

Start a login:
  curl -s -X POST '${stack.baseUrl}/browser-login/start?wait=5000' \\
    -H 'authorization: Bearer ${key}' -H 'x-subject-user-id: me' \\
    -H 'content-type: application/json' -d '{"providerId":"${firstProvider}"}'
${stack.demo ? `Then log in as alice / correct-horse${headless ? "" : " in the window that opens"}, and poll the statusUrl it returns:
  curl -s ${stack.baseUrl}/browser-login/<sessionId> -H 'authorization: Bearer ${key}' -H 'x-subject-user-id: me'
Or run \`npm run demo\` to watch a scripted user do all of it.
` : ""}Stop with Ctrl-C.
`);
