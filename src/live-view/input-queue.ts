import type { ViewerMessage } from "./viewer-messages.ts";

/**
 * The viewer's input on its way into the page, bounded. Commands go out at once and in order (one
 * DevTools session keeps them in order), up to `inFlight` unanswered; a page that stops answering (a
 * busy script, a frozen tab) makes the rest wait, at most `waiting` of them. A pointer move waiting
 * behind another is replaced by it (only the latest position matters); past the bound, input is
 * dropped, as a frozen browser would drop it, and never piles up in memory.
 */
export function createInputQueue(
  dispatch: (message: ViewerMessage) => Promise<unknown>,
  { inFlight, waiting }: { inFlight: number; waiting: number },
) {
  let running = 0;
  const queue: ViewerMessage[] = [];
  let dropped = 0;

  const isMove = (m: ViewerMessage) => m.t === "mouse" && m.type === "mouseMoved";

  function start(message: ViewerMessage) {
    running += 1;
    void dispatch(message)
      .catch(() => {})
      .finally(() => {
        running -= 1;
        const next = queue.shift();
        if (next) start(next);
      });
  }

  return {
    push(message: ViewerMessage) {
      if (running < inFlight && queue.length === 0) return start(message);
      const last = queue.at(-1);
      if (last && isMove(last) && isMove(message)) {
        queue[queue.length - 1] = message;
        return;
      }
      if (queue.length >= waiting) {
        dropped += 1;
        return;
      }
      queue.push(message);
    },
    /** Input never sent (the tab changed, a dialog opened): it was meant for what is no longer there. */
    clear() {
      queue.length = 0;
    },
    /** Counts for tests: unanswered, waiting, dropped. */
    stats: () => ({ running, waiting: queue.length, dropped }),
  };
}
