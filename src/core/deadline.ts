/**
 * Waits for `work` until `ms` pass (when given) or `signal` aborts. The work itself cannot be stopped, so
 * `abandon` receives it when the caller gives up: it is where the caller cleans up after a result
 * that arrives late (a browser connection nobody will use).
 */
export async function withDeadline<T>(
  work: Promise<T>,
  {
    ms,
    what,
    signal,
    abandon,
  }: { ms?: number; what: string; signal?: AbortSignal; abandon: (late: Promise<T>) => void },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    if (ms !== undefined) timer = setTimeout(() => reject(new DeadlineExceeded(what, ms)), Math.max(0, ms));
    if (signal) {
      onAbort = () => reject(new AbortedByCaller());
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work, gaveUp]);
  } catch (error) {
    if (error instanceof DeadlineExceeded || error instanceof AbortedByCaller) abandon(work);
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

/** Waits for `work` to settle, but no longer than `ms`; never throws. For bounded waits that go on either way. */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export class AbortedByCaller extends Error {
  constructor() {
    super("Aborted by the caller");
    this.name = "AbortedByCaller";
  }
}

export class DeadlineExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}
