import type { Redis } from "ioredis";
import { parseEntry } from "./event-log.ts";
import type { LoggedEvent } from "./event-types.ts";

/**
 * Follows the stream of all events for one process and hands each new event to the listeners
 * whose filter takes it: one blocking read per process, however many SSE clients it serves.
 * A dropped connection resumes from the last id read, so a Redis reconnect loses nothing
 * (the SSE stream catches up from its own stream first anyway; see event-stream.ts).
 */
export interface EventTail {
  subscribe(filter: (event: LoggedEvent) => boolean, listener: (event: LoggedEvent) => void): () => void;
  close(): Promise<void>;
}

/** `blocking`: a connection of its own (it spends its time in XREAD BLOCK). */
export function createEventTail(blocking: Redis, allStream: string, blockMs = 5_000): EventTail {
  const listeners = new Set<{ filter: (event: LoggedEvent) => boolean; listener: (event: LoggedEvent) => void }>();
  let closed = false;
  let lastId: string | undefined;

  const loop = (async () => {
    while (!closed) {
      try {
        // From the newest entry at start (not "$" on every call): a read that fails resumes where the last one ended.
        lastId ??= ((await blocking.xrevrange(allStream, "+", "-", "COUNT", 1))[0]?.[0] as string | undefined) ?? "0-0";
        const reply = (await blocking.xread("COUNT", 500, "BLOCK", blockMs, "STREAMS", allStream, lastId)) as
          | [string, [string, string[]][]][]
          | null;
        for (const entry of reply?.[0]?.[1] ?? []) {
          lastId = entry[0];
          const event = parseEntry(entry);
          if (!event) continue;
          for (const { filter, listener } of listeners) if (filter(event)) listener(event);
        }
      } catch {
        if (closed) return;
        // Redis away: the connection reconnects by itself; do not spin meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  })();

  return {
    subscribe(filter, listener) {
      const entry = { filter, listener };
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    async close() {
      closed = true;
      listeners.clear();
      blocking.disconnect();
      await loop;
    },
  };
}
