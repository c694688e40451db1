import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";

/**
 * A Server-Sent Events response whose stream is its own error boundary. hono's `streamSSE`, when
 * the callback throws, writes the error's raw message to the client as a second `error` event, and
 * should its error handler throw in turn, leaves a rejected promise nobody awaits (a process-wide
 * unhandled rejection). Neither happens here: `run` feeds the stream, a failure goes to `onError`
 * (which tells the client in the error shape, if it can), and whatever `onError` throws is dropped,
 * since the client is gone or the stream already closed. The stream closes either way.
 */
export function sseResponse(
  c: Context,
  run: (sse: SSEStreamingApi) => Promise<void>,
  onError: (error: Error, sse: SSEStreamingApi) => Promise<void>,
): Response {
  return streamSSE(c, async (sse) => {
    try {
      await run(sse);
    } catch (error) {
      try {
        await onError(error instanceof Error ? error : new Error(String(error)), sse);
      } catch {
        // Nothing left to tell, and no one to tell it to.
      }
    }
  });
}
