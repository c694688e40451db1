import type { SSEMessage, SSEStreamingApi } from "hono/streaming";
import type { EventLog } from "./event-log.ts";
import type { EventTail } from "./event-tail.ts";
import { compareEventIds, type LoggedEvent } from "./event-types.ts";

export interface EventPumpOptions {
  log: EventLog;
  tail: EventTail;
  /** The stream to catch up from (the session's or the owner's). */
  stream: string;
  /** Which live events of the tail belong to this client. */
  filter: (event: LoggedEvent) => boolean;
  /** The last event the client has ("0": everything kept); undefined: new events only. */
  from: string | undefined;
  toMessage: (event: LoggedEvent) => SSEMessage;
  /** The stream ends after an event this says is the last (a session's final status). */
  isLast?: (event: LoggedEvent) => boolean;
  heartbeatMs: number;
  /** Ends the stream (the API shutting down): the client reconnects elsewhere with its Last-Event-ID. */
  signal?: AbortSignal;
}

/**
 * Feeds one SSE client: listens to the process's tail first, then catches up from the client's
 * stream, then sends what the tail brought meanwhile. Ids only grow, so an event seen both ways
 * is sent once, and in order. Comments keep the connection alive between events.
 */
export async function pumpEvents(sse: SSEStreamingApi, options: EventPumpOptions): Promise<void> {
  let last = options.from;
  let live = false;
  let ended = false;
  const early: LoggedEvent[] = [];
  let writing: Promise<void> = Promise.resolve();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const write = (work: () => Promise<void>) => (writing = writing.then(work).catch(finish));

  const send = (event: LoggedEvent) => {
    if (ended || (last !== undefined && compareEventIds(event.id, last) <= 0)) return;
    last = event.id;
    write(() => sse.writeSSE(options.toMessage(event)));
    if (options.isLast?.(event)) {
      ended = true;
      void writing.then(finish);
    }
  };
  const unsubscribe = options.tail.subscribe(options.filter, (event) => (live ? send(event) : early.push(event)));
  const heartbeat = setInterval(
    () => write(async () => void (await sse.write(": heartbeat\n\n"))),
    options.heartbeatMs,
  );
  sse.onAbort(finish);
  options.signal?.addEventListener("abort", finish, { once: true });
  try {
    if (options.from !== undefined) {
      for (let batch: LoggedEvent[] = []; !ended; ) {
        batch = await options.log.after(options.stream, last!, 500);
        batch.forEach(send);
        if (batch.length < 500) break;
      }
    }
    live = true;
    early.splice(0).forEach(send);
    if (options.signal?.aborted) finish();
    await done;
    await writing;
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
    options.signal?.removeEventListener("abort", finish);
  }
}
