import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import { defineLuaCommands, loadLuaCommands, type LuaCommand } from "../redis/lua-commands.ts";

/**
 * The event log's Lua (./commands). `includes/append-event.lua` appends one event to the log's
 * streams; the session store's commands include it too, so a status change and its event are one
 * atomic write.
 */
const COMMANDS_DIR = new URL("./commands/", import.meta.url);

export const APPEND_EVENT_LUA = readFileSync(new URL("includes/append-event.lua", COMMANDS_DIR), "utf8");

export interface EventCommands {
  appendCredentialEvent(all: string, owner: string, ...args: string[]): Promise<string>;
}

let scripts: LuaCommand[] | undefined;

export function defineEventCommands(redis: Redis): EventCommands {
  scripts ??= loadLuaCommands(COMMANDS_DIR, APPEND_EVENT_LUA);
  return defineLuaCommands<EventCommands>(redis, scripts);
}
