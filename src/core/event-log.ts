import { readFileSync } from "node:fs";

/**
 * The event log's one write (./event-log.lua), shared by every Lua command that logs an event:
 * the session commands include it, so a status change and its event are one atomic write, and so does
 * the credential events command. The log's keys are in ./redis-keys.ts; its readers in src/events/.
 */
export const APPEND_EVENT_LUA = readFileSync(new URL("./event-log.lua", import.meta.url), "utf8");
