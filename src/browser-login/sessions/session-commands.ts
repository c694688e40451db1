import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import { APPEND_EVENT_LUA } from "../../core/event-log.ts";
import { defineLuaCommands, type LuaCommand, loadLuaCommands } from "../../core/redis/lua-commands.ts";
import { stateTableForLua } from "./session-states.ts";

/**
 * The session store's Lua commands (./commands). Every script starts with the state table from
 * session-states.ts, the event log's append (a change and its event are one atomic write) and the
 * shared prelude, so the rules are written once.
 */
type Reply = string | number | null | Reply[];
type Command = (...args: (string | number)[]) => Promise<Reply>;

export interface SessionCommands {
  createSession: Command;
  transitionSession: Command;
  requestComplete: Command;
  renewLease: Command;
  reapSessions: Command;
  claimNextSession: Command;
  extendSession: Command;
}

const COMMANDS_DIR = new URL("./commands/", import.meta.url);

let scripts: LuaCommand[] | undefined;

export function defineSessionCommands(redis: Redis): SessionCommands {
  // A long bracket: the JSON needs no escaping inside it.
  scripts ??= loadLuaCommands(
    COMMANDS_DIR,
    `local STATES = cjson.decode([==[${stateTableForLua()}]==])\n` +
      APPEND_EVENT_LUA +
      readFileSync(new URL("includes/prelude.lua", COMMANDS_DIR), "utf8"),
  );
  return defineLuaCommands<SessionCommands>(redis, scripts);
}
