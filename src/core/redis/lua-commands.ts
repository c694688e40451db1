import { readdirSync, readFileSync } from "node:fs";
import type { Redis } from "ioredis";

/**
 * Lua scripts kept as files the way BullMQ keeps its own: a folder of `<name>-<number of keys>.lua`,
 * each defined on a connection as a named command (ioredis sends EVALSHA, and the script once on
 * NOSCRIPT). `header` is put before every script of the folder (shared tables and functions).
 */
export interface LuaCommand {
  name: string;
  numberOfKeys: number;
  lua: string;
}

export function loadLuaCommands(folder: URL, header = ""): LuaCommand[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith(".lua"))
    .map((file) => {
      const [, name, keys] = /^(\w+)-(\d+)\.lua$/.exec(file) ?? [];
      if (!name || !keys) throw new Error(`Lua command ${file} must be named <name>-<number of keys>.lua`);
      return { name, numberOfKeys: Number(keys), lua: header + readFileSync(new URL(file, folder), "utf8") };
    });
}

/** Defines the commands on the connection (again is harmless) and returns it typed as having them. */
export function defineLuaCommands<T>(redis: Redis, commands: LuaCommand[]): T {
  for (const { name, numberOfKeys, lua } of commands) redis.defineCommand(name, { numberOfKeys, lua });
  return redis as unknown as T;
}
