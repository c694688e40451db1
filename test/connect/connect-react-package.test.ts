import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it } from "vitest";

const PACKAGE = new URL("../../packages/connect-react/", import.meta.url).pathname;

/** The React wrapper as it is published: packed (tsc builds it first), and its built module rendering the elements. */
describe("@browser-login-capture/connect-react, packed", () => {
  const scratch = mkdtempSync(join(tmpdir(), "blc-connect-react-"));
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(join(PACKAGE, "dist"), { recursive: true, force: true });
  });

  it("packs its built module and declarations only, with React as its one (optional) peer and no dependency", () => {
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: PACKAGE, encoding: "utf8" }),
    ) as [{ filename: string; size: number; unpackedSize: number; files: { path: string }[] }];
    expect(packed.files.map((f) => f.path).sort()).toEqual([
      "README.md",
      "dist/index.d.ts",
      "dist/index.js",
      "package.json",
    ]);
    const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependenciesMeta.react.optional).toBe(true);
    console.log(`connect-react: tarball ${packed.size} bytes, unpacked ${packed.unpackedSize} bytes, 0 dependencies`);
  }, 120_000);

  it("renders each custom element with its props as attributes (server-side, from the built module)", async () => {
    const { ConnectButton, Connections, OAuthClientForm } = await import(join(PACKAGE, "dist/index.js"));
    const link = "https://login.example.com/connect/cl_x.y.z";
    expect(renderToStaticMarkup(createElement(ConnectButton, { link, provider: "github", className: "wide" }))).toBe(
      `<blc-connect-button class="wide" link="${link}" provider="github"></blc-connect-button>`,
    );
    expect(renderToStaticMarkup(createElement(Connections, { link, heading: "Yours", check: "" }))).toBe(
      `<blc-connections link="${link}" heading="Yours"></blc-connections>`,
    );
    expect(renderToStaticMarkup(createElement(OAuthClientForm, { link, provider: "github", check: "1.abc" }))).toBe(
      `<blc-oauth-client-form link="${link}" check="1.abc" provider="github"></blc-oauth-client-form>`,
    );
  });
});
