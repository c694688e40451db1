import { chown, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "blc-upload-";

/**
 * Where the files a person picks in the view wait for the page: a folder of the session's own,
 * readable by this user only, one sub-folder per file so that the page sees the file's own name and
 * never a path of ours. The browser reads a file when the page does, so the files stay until the
 * session closes, and the folder goes with it. `owner`: the user Chromium runs as when it is not this
 * process's (a root worker's Chromium user, chromium-launch.ts), who is then given the folder and its
 * files, as it could not read them otherwise.
 */
export function createUploadFolder(owner?: Promise<{ uid: number; gid: number } | undefined>) {
  let folder: Promise<string> | undefined;
  let files = 0;
  const handOver = async (path: string) => {
    const ids = await owner;
    if (ids) await chown(path, ids.uid, ids.gid);
  };
  return {
    /** Writes the files and answers their paths, for DOM.setFileInputFiles. */
    async write(chosen: { name: string; data: Buffer }[]): Promise<string[]> {
      // The process id in the name lets a worker that starts later tell a dead worker's leftovers from a live one's.
      folder ??= mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`)).then(async (root) => {
        await handOver(root);
        return root;
      });
      const root = await folder;
      return Promise.all(
        chosen.map(async ({ name, data }) => {
          const own = join(root, String(files++));
          await mkdir(own, { mode: 0o700 });
          await handOver(own);
          const path = join(own, safeFileName(name));
          await writeFile(path, data, { mode: 0o600 });
          await handOver(path);
          return path;
        }),
      );
    },
    async remove(): Promise<void> {
      const root = await folder?.catch(() => undefined);
      if (root) await rm(root, { recursive: true, force: true });
    },
  };
}

/** A name the page may see: the last part of what the person's browser gave, no separators or control characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  const bytes = Buffer.from(clean, "utf8");
  const cut =
    bytes.length > 200
      ? bytes
          .subarray(0, 200)
          .toString("utf8")
          .replace(/\uFFFD+$/, "")
      : clean;
  return cut && cut !== "." && cut !== ".." ? cut : "file";
}

/** Upload folders of worker processes that no longer run (a crash, a kill): removed when a worker starts. */
export async function sweepUploadFolders(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(/^blc-upload-(\d+)-/.exec(name)?.[1]);
      if (!pid || pid === process.pid || isRunning(pid)) return;
      await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => {});
    }),
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
