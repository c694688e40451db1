import type { LogLine, Stagehand } from "@browserbasehq/stagehand";
import { withDeadline } from "../../core/deadline.ts";
import type { Scrub } from "../secret-scrubber.ts";

export type AdapterLog = (entry: { level: "error" | "info" | "debug"; message: string }) => void;

export interface StagehandConnectOptions {
  apiKey: string;
  projectId: string;
  /** The Browserbase session the adapter created: Stagehand attaches to it instead of creating one. */
  browserbaseSessionId: string;
  keepAlive?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  scrub: Scrub;
  log?: AdapterLog;
}

/**
 * Attaches Stagehand to an existing Browserbase session. Stagehand is imported here, on first use,
 * so that a worker running the local adapter never loads it (and its AI SDK dependencies).
 */
export async function connectStagehand(options: StagehandConnectOptions): Promise<Stagehand> {
  const { Stagehand } = await import("@browserbasehq/stagehand");
  const stagehand = new Stagehand({
    env: "BROWSERBASE",
    apiKey: options.apiKey,
    projectId: options.projectId,
    browserbaseSessionID: options.browserbaseSessionId,
    // Attaching, Stagehand would read only keepAlive from browserbaseSessionCreateParams: the session
    // was created with them already (and its copy of their type lags behind the SDK's).
    keepAlive: options.keepAlive,
    // Off the hosted Stagehand API, which would want a model key: only the browser is needed here.
    disableAPI: true,
    // verbose 0 leaves errors only; with disablePino and an external logger Stagehand neither starts
    // pino-pretty nor writes to the console, and what it says goes through the scrubber.
    verbose: 0,
    disablePino: true,
    logger: quietLogger(options.scrub, options.log),
  });
  const closeQuietly = () => void stagehand.close().catch(() => {});
  try {
    await withDeadline(stagehand.init(), {
      ms: options.timeoutMs,
      what: "Connecting to the Browserbase browser",
      signal: options.signal,
      // A connection that completes after we gave up is closed at once; the caller releases the session.
      abandon: (late) => void late.then(closeQuietly, closeQuietly),
    });
  } catch (error) {
    closeQuietly();
    throw error;
  }
  return stagehand;
}

function quietLogger(scrub: Scrub, log: AdapterLog | undefined): (line: LogLine) => void {
  return (line) => {
    if (!log) return;
    const level = line.level === 0 ? "error" : line.level === 2 ? "debug" : "info";
    log({ level, message: scrub(`stagehand ${line.category ?? ""}: ${line.message}`) });
  };
}
