import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { defineLuaCommands, loadLuaCommands } from "../core/redis/lua-commands.ts";
import { redisKeys } from "../core/redis-keys.ts";

const COMMANDS = loadLuaCommands(new URL("./commands/", import.meta.url));
type LockCommands = { releaseRefreshLock(key: string, token: string): Promise<number> };

/**
 * One refresh at a time per credential, across every API process: `SET NX PX`. The lock only keeps
 * the provider from seeing concurrent refreshes; correctness does not rest on it. A holder that
 * outlives its lock (a long pause) is fenced off by the vault: it writes with `expectedVersion`, the
 * version it refreshed from, which a newer holder has already moved on.
 */
export interface RefreshLock {
  /** A release function when this caller now holds the lock, undefined when someone else does. */
  acquire(credentialId: string): Promise<(() => Promise<void>) | undefined>;
}

export function createRefreshLock(redis: Redis, { prefix, ttlMs }: { prefix: string; ttlMs: number }): RefreshLock {
  const commands = defineLuaCommands<LockCommands>(redis, COMMANDS);
  return {
    async acquire(credentialId) {
      const key = redisKeys(prefix).oauth2RefreshLock(credentialId);
      const token = randomBytes(16).toString("hex");
      const taken = await redis.set(key, token, "PX", ttlMs, "NX");
      if (taken !== "OK") return undefined;
      return async () => {
        await commands.releaseRefreshLock(key, token);
      };
    },
  };
}
