import type { Redis } from "ioredis";
import type { SessionStatus } from "./session-record.ts";

export interface SessionWakeup {
  id: string;
  status: SessionStatus;
}

/**
 * Wakes whoever waits on a session (an API request with ?wait, the worker holding the browser)
 * when its record changes. Pub/sub only wakes: the record in Redis stays the truth, and waiters
 * re-read it, so a message lost while Redis reconnects costs latency, never correctness.
 */
export interface SessionWakeups {
  subscribe(id: string, listener: (event: SessionWakeup) => void): () => void;
  close(): Promise<void>;
}

export async function createSessionWakeups(subscriber: Redis, channel: string): Promise<SessionWakeups> {
  const listeners = new Map<string, Set<(event: SessionWakeup) => void>>();
  subscriber.on("message", (from: string, message: string) => {
    if (from !== channel) return;
    let event: SessionWakeup;
    try {
      event = JSON.parse(message);
    } catch {
      return;
    }
    for (const listener of listeners.get(event.id) ?? []) listener(event);
  });
  await subscriber.subscribe(channel);

  return {
    subscribe(id, listener) {
      let set = listeners.get(id);
      if (!set) {
        set = new Set();
        listeners.set(id, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(id);
      };
    },
    async close() {
      listeners.clear();
      await subscriber.unsubscribe(channel).catch(() => {});
    },
  };
}

/**
 * Resolves with the first value `check` returns, re-checking whenever the session changes and at
 * least every `fallbackMs`; resolves undefined at the deadline, or as soon as `signal` aborts (the
 * API shutting down answers its waiting requests with what they have).
 */
export async function waitForSession<T>(
  bus: SessionWakeups,
  id: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  fallbackMs = 500,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const first = await check();
  if (first !== undefined || timeoutMs <= 0 || signal?.aborted) return first;
  return new Promise((resolve) => {
    let done = false;
    let checking = false;
    let again = false;
    const finish = (value: T | undefined) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearInterval(poll);
      clearTimeout(deadline);
      signal?.removeEventListener("abort", stop);
      resolve(value);
    };
    const recheck = async () => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const value = await check().catch(() => undefined);
          if (value !== undefined) return finish(value);
        } while (again && !done);
      } finally {
        checking = false;
      }
    };
    const unsubscribe = bus.subscribe(id, () => void recheck());
    const poll = setInterval(() => void recheck(), fallbackMs);
    const deadline = setTimeout(() => finish(undefined), timeoutMs);
    const stop = () => finish(undefined);
    signal?.addEventListener("abort", stop, { once: true });
    void recheck();
  });
}
