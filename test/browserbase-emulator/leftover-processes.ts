import { execFile } from "node:child_process";

/** Command lines of live processes started with a profile under `profilePrefix` (zombies have none). */
export function leftoverChromiums(profilePrefix: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile("pgrep", ["-af", "--", profilePrefix], (error, stdout) => {
      // pgrep exits with 1 when nothing matches.
      if (error && (error as { code?: number }).code !== 1) return resolve([`pgrep failed: ${error.message}`]);
      resolve(stdout.split("\n").filter((line) => line.trim().length > 0));
    });
  });
}
