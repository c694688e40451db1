/**
 * Runs `check` one at a time, however often it is asked for: an ask while a check runs makes one more
 * run after it (the pages may have changed since it read them), and none starts once `stopped()`.
 */
export function oneCheckAtATime(check: () => Promise<void>, stopped: () => boolean): () => Promise<void> {
  let checking = false;
  let dirty = false;
  return async () => {
    if (stopped()) return;
    if (checking) {
      dirty = true;
      return;
    }
    checking = true;
    try {
      do {
        dirty = false;
        await check();
      } while (dirty && !stopped());
    } finally {
      checking = false;
    }
  };
}
