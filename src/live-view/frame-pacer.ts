export interface Frame {
  jpeg: Buffer;
  /** CSS size of the page the frame shows. */
  width: number;
  height: number;
}

/**
 * Paces frames to one viewer: one frame at a time is with the viewer until it says it has drawn
 * it; a frame arriving meanwhile waits in a single slot, replaced by any newer one. A slow viewer
 * gets fewer frames, never a backlog, and always the latest picture once it catches up.
 *
 * Chromium's own screencast flow control is not used for this: it drops a frame produced while
 * two are unacknowledged, and a page that then stays still never sends the picture it dropped.
 */
export function createFramePacer(deliver: (frame: Frame) => void) {
  let withViewer = false;
  let waiting: Frame | undefined;
  return {
    offer(frame: Frame) {
      if (withViewer) {
        waiting = frame;
        return;
      }
      withViewer = true;
      deliver(frame);
    },
    /** The viewer has drawn the frame it had. */
    taken() {
      const next = waiting;
      waiting = undefined;
      withViewer = next !== undefined;
      if (next) deliver(next);
    },
    /** The tab on screen changed: a frame still waiting shows the old one. */
    dropWaiting() {
      waiting = undefined;
    },
  };
}
