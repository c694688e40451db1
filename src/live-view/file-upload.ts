/**
 * Files a person picks in the view, on their way to the page in chunks (each viewer message is at
 * most 64 KiB). One upload at a time per viewer, of at most `maxBytes` in all, announced first
 * (names, sizes, types) and checked against what arrives: held in memory only until the last chunk,
 * then handed to the browser session, which writes them where the page can read them.
 */
export interface UploadedFile {
  name: string;
  type: string;
  data: Buffer;
}

export type UploadStep =
  | { kind: "progress"; id: number; received: number; total: number }
  | { kind: "done"; id: number; files: UploadedFile[] }
  | { kind: "refused"; id: number; reason: string }
  | { kind: "ignored" };

export function createUploads(maxBytes: number) {
  let current:
    | {
        id: number;
        files: { name: string; size: number; type: string }[];
        total: number;
        chunks: Buffer[];
        received: number;
      }
    | undefined;

  const refuse = (id: number, reason: string): UploadStep => {
    current = undefined;
    return { kind: "refused", id, reason };
  };

  return {
    begin(id: number, files: { name: string; size: number; type: string }[]): UploadStep {
      const total = files.reduce((sum, f) => sum + f.size, 0);
      if (total > maxBytes)
        return refuse(id, `The files are larger than ${Math.round(maxBytes / 1024 / 1024)} MB in all.`);
      current = { id, files, total, chunks: [], received: 0 };
      return { kind: "progress", id, received: 0, total };
    },
    chunk(id: number, base64: string): UploadStep {
      if (!current || current.id !== id) return { kind: "ignored" };
      const data = Buffer.from(base64, "base64");
      current.received += data.length;
      if (current.received > current.total) return refuse(id, "More was sent than the files hold.");
      current.chunks.push(data);
      return { kind: "progress", id, received: current.received, total: current.total };
    },
    end(id: number): UploadStep {
      if (!current || current.id !== id) return { kind: "ignored" };
      if (current.received !== current.total) return refuse(id, "Part of the files did not arrive.");
      const all = Buffer.concat(current.chunks);
      let at = 0;
      const files = current.files.map(({ name, size, type }) => {
        const data = all.subarray(at, at + size);
        at += size;
        return { name, type, data };
      });
      current = undefined;
      return { kind: "done", id, files };
    },
    cancel() {
      current = undefined;
    },
  };
}
