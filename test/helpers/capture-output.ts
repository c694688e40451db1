/** Collects what is written to stdout/stderr and the console while the tests run (and still lets it through). */
export function captureOutput() {
  const chunks: string[] = [];
  const restore: Array<() => void> = [];
  return {
    start() {
      for (const stream of [process.stdout, process.stderr]) {
        const write = stream.write.bind(stream);
        stream.write = ((chunk: unknown, ...rest: unknown[]) => {
          chunks.push(String(chunk));
          return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof stream.write;
        restore.push(() => (stream.write = write));
      }
      for (const method of ["log", "info", "warn", "error", "debug"] as const) {
        const original = console[method];
        console[method] = (...args: unknown[]) => {
          chunks.push(args.map(String).join(" "));
          original(...args);
        };
        restore.push(() => (console[method] = original));
      }
    },
    stop() {
      for (const undo of restore.splice(0)) undo();
    },
    text: () => [...chunks],
  };
}
