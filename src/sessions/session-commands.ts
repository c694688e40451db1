import { readdirSync, readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import { stateTableForLua } from "./session-states.js";

/**
 * The store's Lua scripts, kept as files in ./commands the way BullMQ keeps its own: `<name>-<keys>.lua`,
 * each defined on the connection as a named command (ioredis sends EVALSHA, and the script once on NOSCRIPT).
 * Every script starts with the state table from session-states.ts, so the rules are written once, and
 * the event log's append (events/lua/append-event.lua), so a change and its event are one atomic write.
 */
type Reply = string | number | null | Reply[];
type Command = (...args: (string | number)[]) => Promise<Reply>;

export interface SessionCommands {
  createSession: Command;
  transitionSession: Command;
  requestComplete: Command;
  renewLease: Command;
  reapSessions: Command;
}

const COMMANDS_DIR = new URL("./commands/", import.meta.url);

function loadScripts(): { name: keyof SessionCommands; numberOfKeys: number; lua: string }[] {
  // A long bracket: the JSON needs no escaping inside it.
  const header = `local STATES = cjson.decode([==[${stateTableForLua()}]==])\n`;
  const appendEvent = readFileSync(new URL("../events/lua/append-event.lua", import.meta.url), "utf8");
  const prelude = appendEvent + readFileSync(new URL("includes/prelude.lua", COMMANDS_DIR), "utf8");
  return readdirSync(COMMANDS_DIR)
    .filter((file) => file.endsWith(".lua"))
    .map((file) => {
      const [, name, keys] = /^(\w+)-(\d+)\.lua$/.exec(file) ?? [];
      if (!name || !keys) throw new Error(`Lua command ${file} must be named <name>-<number of keys>.lua`);
      const body = readFileSync(new URL(file, COMMANDS_DIR), "utf8");
      return { name: name as keyof SessionCommands, numberOfKeys: Number(keys), lua: header + prelude + body };
    });
}

let scripts: ReturnType<typeof loadScripts> | undefined;

export function defineSessionCommands(redis: Redis): SessionCommands {
  scripts ??= loadScripts();
  for (const { name, numberOfKeys, lua } of scripts) redis.defineCommand(name, { numberOfKeys, lua });
  return redis as unknown as SessionCommands;
}
