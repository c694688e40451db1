import { waitFor } from "./wait-for.ts";

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
  /** Date.now() when it arrived. */
  at: number;
}

/**
 * A Server-Sent Events client over fetch (as a browser's EventSource reads the stream): the events
 * and comment lines so far, whether the server ended the stream, and `drop()` to cut the connection.
 */
export interface SseClient {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  ended: boolean;
  /** Waits until `count` events arrived (or the stream ended first: then fails). */
  waitForEvents(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  waitForEnd(timeoutMs?: number): Promise<void>;
  drop(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  const client: SseClient = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: [],
    ended: false,
    async waitForEvents(count, timeoutMs = 20_000) {
      await waitFor(() => client.events.length >= count || client.ended, {
        timeoutMs,
        what: `${count} SSE events (got ${client.events.length})`,
      });
      if (client.events.length < count)
        throw new Error(
          `the stream ended after ${client.events.length} events: ${JSON.stringify(client.events.map((e) => e.event))}`,
        );
      return client.events.slice(0, count);
    },
    async waitForEnd(timeoutMs = 20_000) {
      await waitFor(() => client.ended, { timeoutMs, what: "the SSE stream to end" });
    },
    drop: () => abort.abort(),
  };
  if (!response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
    client.ended = true;
    return client;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { data: "", at: Date.now() };
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) client.comments.push(line.slice(1).trim());
            else if (line.startsWith("id:")) event.id = line.slice(3).trim();
            else if (line.startsWith("event:")) event.event = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (data.length > 0) client.events.push({ ...event, data: data.join("\n") });
        }
      }
    } catch {
      // Dropped by the test.
    }
    client.ended = true;
  })();
  return client;
}
