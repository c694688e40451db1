/**
 * What one viewer may cost the API and the worker. The viewer page is public: a socket that sends
 * more than a person can, or reads less than it is sent, loses its messages or frames, then its socket.
 */
export const VIEWER_LIMITS = {
  /** One message from a viewer (a paste of 10,000 characters, a 48 KiB file chunk, with room to spare). */
  maxMessageBytes: 64 * 1024,
  /**
   * Messages per second, sustained and in a burst. A person makes far fewer: keys are two messages
   * each, a file goes in chunks of 48 KiB. Pointer moves (one per screen refresh, 60–240 a second)
   * have a budget of their own, so that moving never spends what keys need.
   */
  messagesPerSecond: 300,
  messageBurst: 600,
  movesPerSecond: 500,
  moveBurst: 1_000,
  /** Bytes per second, sustained and in a burst: a 10 MiB file in a few seconds, not a flood. */
  bytesPerSecond: 4 * 1024 * 1024,
  byteBurst: 8 * 1024 * 1024,
  /** A frame is dropped, not queued, while the socket it would go to holds more than this unsent. */
  frameBacklogBytes: 512 * 1024,
  /** A socket holding more than this unsent has a reader that stopped reading: it is closed. */
  maxBacklogBytes: 4 * 1024 * 1024,
  /** Input commands sent to the page and not yet answered by it; more wait in a queue of `inputQueue`. */
  inputInFlight: 32,
  inputQueue: 256,
};

/** A token bucket: `take(cost)` answers whether the cost fits now. */
export function tokenBucket(perSecond: number, burst: number, now: () => number = performance.now.bind(performance)) {
  let tokens = burst;
  let at = now();
  return {
    take(cost = 1): boolean {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - at) / 1000) * perSecond);
      at = t;
      if (tokens < cost) return false;
      tokens -= cost;
      return true;
    },
  };
}

/**
 * The budgets of one viewer socket. Over budget, a pointer move is dropped (the next supersedes it);
 * anything else closes the socket: no person types that fast, and dropping a key would change a password.
 */
export function viewerRateLimit(limits = VIEWER_LIMITS, now?: () => number) {
  const messages = tokenBucket(limits.messagesPerSecond, limits.messageBurst, now);
  const moves = tokenBucket(limits.movesPerSecond, limits.moveBurst, now);
  const bytes = tokenBucket(limits.bytesPerSecond, limits.byteBurst, now);
  return {
    judge(size: number, isMove: boolean): "pass" | "drop" | "close" {
      if (isMove) return moves.take(1) && bytes.take(size) ? "pass" : "drop";
      return messages.take(1) && bytes.take(size) ? "pass" : "close";
    },
  };
}
