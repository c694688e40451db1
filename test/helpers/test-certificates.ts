import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A throwaway private CA and a server certificate it signed, as PEM files in a temp directory. */
export interface TestCertificates {
  dir: string;
  ca: string;
  cert: string;
  key: string;
}

const openssl = (args: string[], cwd: string) =>
  execFileSync("/usr/bin/openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });

/** `names`: the certificate's subjectAltName entries (`IP:127.0.0.1`, `DNS:localhost`); the recipe of docs/live-view.md. */
export function makeTestCertificates(names: string[]): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "blc-tls-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=blc test live-view CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  openssl(["req", ...ec, "-keyout", "worker.key", "-out", "worker.csr", "-subj", "/CN=blc test worker"], dir);
  writeFileSync(join(dir, "worker.ext"), `subjectAltName=${names.join(",")}\nextendedKeyUsage=serverAuth\n`);
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "worker.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      "worker.ext",
      "-out",
      "worker.pem",
    ],
    dir,
  );
  return { dir, ca: join(dir, "ca.pem"), cert: join(dir, "worker.pem"), key: join(dir, "worker.key") };
}
