import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium } from "../../src/browser/local-playwright/chromium-path.ts";
import { type ApiKeyService, startApiKeyService } from "../helpers/api-key-service.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const packageDir = join(root, "packages/client");

/** The README's runnable examples: each ```ts block announced by `<!-- example: name.ts -->`. */
function readmeExamples(readme: string): Map<string, string> {
  const examples = new Map<string, string>();
  for (const match of readme.matchAll(/<!-- example: ([\w.-]+) -->\n```ts\n([\s\S]*?)```/g))
    examples.set(match[1]!, match[2]!);
  return examples;
}

/** Installed packages under a node_modules folder (scoped ones counted one by one). */
function installedPackages(nodeModules: string): string[] {
  return readdirSync(nodeModules)
    .filter((name) => !name.startsWith("."))
    .flatMap((name) =>
      name.startsWith("@") ? readdirSync(join(nodeModules, name)).map((n) => `${name}/${n}`) : [name],
    );
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + sizeOf(join(path, name)), 0);
}

/**
 * The client as an app gets it: `npm pack` builds the tarball (tsc in prepack), a scratch app outside the
 * repository installs it from the file, and the README's examples run there, unchanged, against a running
 * service. What the app installs is only the package and openapi-fetch: no server dependency comes along.
 */
describe("@browser-login-capture/client, packed and installed by a scratch app", () => {
  let stack: TestStack;
  let acme: ApiKeyService;
  let app: string;
  let tarball: string;
  const acmeKey = `sk_live_${randomBytes(12).toString("hex")}`;
  // The scratch app runs as an installed app does: no source condition, no Node options of ours.
  const { NODE_OPTIONS: _ours, ...env } = process.env;
  const npm = (args: string[], cwd: string) =>
    run("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, env, timeout: 240_000 });

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), "blc-client-app-"));
    const packed = await npm(["pack", "-w", "packages/client", "--json", "--pack-destination", app], root);
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(app, info.filename);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch-app", private: true, type: "module" }));
    acme = await startApiKeyService(acmeKey);
    stack = await startTestStack({
      extraProviders: [
        {
          kind: "api_key",
          id: "acme-api",
          name: "Acme",
          fields: [{ name: "apiKey", label: "API key" }],
          validation: { url: `${acme.url}/v1/me`, headers: { Authorization: "Bearer {{apiKey}}" } },
        },
      ],
    });
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
    await acme?.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it("packs the built ESM and its declarations, and no source", async () => {
    const { stdout } = await npm(["pack", "-w", "packages/client", "--dry-run", "--json"], root);
    const [info] = JSON.parse(stdout) as [{ files: { path: string }[]; size: number; unpackedSize: number }];
    const files = info.files.map((f) => f.path).sort();
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
    expect(files).toContain("dist/restore-session.js");
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => !f.startsWith("dist/"))).toEqual(["README.md", "package.json"]);
    console.log(`tarball ${info.size} bytes, unpacked ${info.unpackedSize} bytes, ${files.length} files`);
  });

  it("installs from the tarball with openapi-fetch alone: no Playwright, BullMQ or Redis client", async () => {
    await npm(["install", tarball], app);
    const installed = installedPackages(join(app, "node_modules"));
    expect(installed.sort()).toEqual(["@browser-login-capture/client", "openapi-fetch", "openapi-typescript-helpers"]);
    console.log(`installed: ${installed.length} packages, ${sizeOf(join(app, "node_modules"))} bytes`);
    // Without the optional peer, the main entry still loads (restoreSession is on its own subpath).
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", 'console.log(Object.keys(await import("@browser-login-capture/client")).join())'],
      { cwd: app, env },
    );
    expect(stdout).toContain("createServiceClient");
  });

  it("runs the README's examples, type-checked against the installed declarations, against the service", async () => {
    const readme = readFileSync(join(packageDir, "README.md"), "utf8");
    const examples = readmeExamples(readme);
    expect([...examples.keys()]).toEqual(["api-client.ts", "agent-contract.ts", "restore-session.ts"]);
    const playwrightVersion = JSON.parse(readFileSync(join(root, "node_modules/playwright-core/package.json"), "utf8"))
      .version as string;
    await npm(["install", `playwright-core@${playwrightVersion}`], app);
    for (const [name, code] of examples) writeFileSync(join(app, name), code);

    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023", "DOM"],
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          typeRoots: [join(root, "node_modules/@types")],
          types: ["node"],
        },
        include: [...examples.keys()],
      }),
    );
    await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: app, env });

    // The demo site's login for the restore example, captured the usual way.
    const { tag, sessionId } = await startTagged(stack, "demo", { subject: "user-42" });
    await stack.user.logIn(await stack.user.findPage((url) => url.includes(tag)));
    await waitForStatus(stack, sessionId, "completed", { subject: "user-42" });

    const example = async (name: string) => {
      const { stdout } = await run(process.execPath, [name], {
        cwd: app,
        timeout: 60_000,
        env: {
          ...env,
          BLC_URL: stack.baseUrl,
          BLC_API_KEY: stack.apiKey,
          ACME_API_URL: acme.url,
          ACME_KEY_FROM_FORM: acmeKey,
          CHROMIUM_PATH: findChromium(),
          DEMO_DASHBOARD_URL: `${stack.site.appOrigin}/dashboard`,
        },
      });
      return stdout
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    };

    const [providers] = await example("api-client.ts");
    expect(providers.providers).toEqual(expect.arrayContaining(["demo (browser_login)", "acme-api (api_key)"]));

    expect(await example("agent-contract.ts")).toEqual([
      { authRequired: "api_key", fields: [{ name: "apiKey", label: "API key", secret: true }] },
      { result: { id: "acct_1", name: "Fixture account" } },
    ]);
    // Run again: the key is stored, the tool runs at once.
    expect(await example("agent-contract.ts")).toEqual([{ result: { id: "acct_1", name: "Fixture account" } }]);

    expect(await example("restore-session.ts")).toEqual([{ page: "Welcome, alice" }]);
  });
});
