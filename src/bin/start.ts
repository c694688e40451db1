import { shouldRunHeadless } from "../browser/build-browser-adapter.ts";
import { createLogger } from "../core/logging/logger.ts";
import { startLocalStack } from "../service/local-stack.ts";
import { loadConfigOrExit, runService } from "../service/run-process.ts";

/** `npm start`: the whole service on this machine, on embedded defaults. */
const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const stack = await runService({
  config,
  logger,
  start: (fatal) => startLocalStack(config, logger, { onFatal: fatal }),
});

const key = stack.apiKey ?? "<one of API_KEYS>";
const firstProvider = stack.providers.list()[0]!.id;
const headless = config.BROWSER_ADAPTER === "local" && shouldRunHeadless(config);
const liveView = config.BROWSER_ADAPTER === "local" && config.LIVE_VIEW;
const browserLine =
  config.BROWSER_ADAPTER !== "local"
    ? `browser: ${config.BROWSER_ADAPTER} (open the liveViewUrl of each session)`
    : headless
      ? `browser: local Chrome, off-screen (no display)${liveView ? ": open the liveViewUrl the start call answers, in any browser" : ", and LIVE_VIEW=false: nobody can see it"}`
      : `browser: local Chromium, a window opens for each login${liveView ? " (the liveViewUrl shows it too, in any browser)" : ""}`;
process.stdout.write(`
browser-login-capture is running at ${stack.baseUrl}
  ${browserLine}
  providers: ${stack.providers
    .list()
    .map((p) => p.id)
    .join(", ")}
  API key: ${key}${stack.apiKey ? " (development key from the data folder; set API_KEYS for your own)" : ""}

Start a login:
  curl -s -X POST '${stack.baseUrl}/browser-login/start?wait=5000' \\
    -H 'authorization: Bearer ${key}' -H 'x-subject-user-id: me' \\
    -H 'content-type: application/json' -d '{"providerId":"${firstProvider}"}'
${
  stack.demo
    ? `Then open its liveViewUrl${headless ? "" : " (or use the window that opens)"}, log in as alice / correct-horse, and poll the statusUrl it returns:
  curl -s ${stack.baseUrl}/browser-login/<sessionId> -H 'authorization: Bearer ${key}' -H 'x-subject-user-id: me'
Or run \`npm run demo\` to watch a scripted user do all of it.
`
    : ""
}Stop with Ctrl-C.
`);
