/**
 * Everything the bench starts (Redis, Chromium, servers, child processes) is registered here with
 * its stop function, and stopped in reverse order at the end: after success, on an error, on
 * Ctrl-C, and when the time limit is hit.
 */
export class Resources {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];
  private closing: Promise<void> | undefined;

  add(name: string, stop: () => Promise<void>) {
    this.stops.push({ name, stop });
  }

  /** Stops everything, newest first; one stop failing or hanging does not keep the others running. */
  closeAll(): Promise<void> {
    this.closing ??= (async () => {
      while (this.stops.length > 0) {
        const { name, stop } = this.stops.pop()!;
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("timed out"), 15_000)));
        const outcome = await Promise.race([
          stop().then(
            () => "ok",
            (e: Error) => `failed: ${e.message}`,
          ),
          limit,
        ]);
        clearTimeout(timer);
        if (outcome !== "ok") process.stderr.write(`[bench] stopping ${name} ${outcome}\n`);
      }
    })();
    return this.closing;
  }
}

/** Stops everything and exits on SIGINT/SIGTERM, and when the whole run exceeds `limitMs`. */
export function guard(resources: Resources, limitMs: number): () => void {
  const bail = (why: string, code: number) => {
    process.stderr.write(`[bench] ${why}: stopping everything it started\n`);
    void resources.closeAll().finally(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals) => bail(`got ${signal}`, 130);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const watchdog = setTimeout(() => bail(`time limit of ${Math.round(limitMs / 1000)} s reached`, 1), limitMs);
  watchdog.unref();
  return () => {
    clearTimeout(watchdog);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
