#!/usr/bin/env node
// The house plan, enforced: README.md's architecture table says, for each folder of src/, which other
// folders it may import. This reads that table, then every relative import in src/ (value, type and
// dynamic), and fails on an import the table does not allow, on a folder the table does not list (or
// a row for a folder that does not exist), and on any import cycle between folders, printing each
// offending import. Packages under packages/ import only their own files and declared dependencies.
// `npm run lint` runs it; so does CI.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const src = join(root, "src");

/** The rows of the table headed `| folder | holds | may import |`: folder → allowed folders. */
function readPlan() {
  const lines = readFileSync(join(root, "README.md"), "utf8").split("\n");
  const header = lines.findIndex((line) => /^\|\s*folder\s*\|\s*holds\s*\|\s*may import\s*\|/i.test(line));
  if (header < 0) throw new Error("README.md has no table headed | folder | holds | may import |");
  const plan = new Map();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
    const folder = /`([^`]+?)\/?`/.exec(cells[0] ?? "")?.[1];
    if (!folder) continue;
    const allowed = [...(cells[2] ?? "").matchAll(/`([^`]+?)\/?`/g)].map((m) => m[1]);
    plan.set(folder, new Set(allowed));
  }
  return plan;
}

function sourceFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|js|mjs)$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** The top-level folder of src/ a path is in (a file at src/'s root stands for itself). */
const folderOf = (path) => relative(src, path).split(sep)[0];
const IMPORT = /(?:^|\s|;)(?:import|export)\s[^;]*?\sfrom\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;

const plan = readPlan();
const problems = [];
const edges = new Map();
for (const file of sourceFiles(src)) {
  const from = folderOf(file);
  for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
    const target = resolve(dirname(file), match[1] ?? match[2]);
    if (!target.startsWith(src + sep)) continue;
    const to = folderOf(target);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${relative(root, file)} imports ${relative(root, target)}`);
    if (plan.has(from) && !plan.get(from).has(to))
      problems.push(
        `${relative(root, file)} imports ${relative(root, target)}: \`${from}/\` may not import \`${to}/\` (README.md, Architecture)`,
      );
  }
}
// Folders that hold something (git keeps no empty ones).
const folders = new Set(
  readdirSync(src).filter((name) => statSync(join(src, name)).isDirectory() && sourceFiles(join(src, name)).length > 0),
);
for (const folder of folders)
  if (!plan.has(folder))
    problems.push(
      `src/${folder}/ is not in README.md's architecture table: add a row (what it holds, what it may import)`,
    );
for (const folder of plan.keys())
  if (!folders.has(folder))
    problems.push(`README.md's architecture table lists ${folder}/, which is not a folder of src/`);
for (const file of readdirSync(src))
  if (!folders.has(file)) problems.push(`src/${file}: every file lives in a folder of the plan`);

// Cycles between folders (Tarjan's strongly connected components), with the imports that close them.
let index = 0;
const order = new Map(),
  low = new Map(),
  onStack = new Set(),
  stack = [];
function visit(v) {
  order.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!order.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), order.get(w)));
  }
  if (low.get(v) !== order.get(v)) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    onStack.delete(w);
    component.push(w);
  } while (w !== v);
  if (component.length < 2) return;
  const inCycle = new Set(component);
  const closing = component.flatMap((a) =>
    [...(edges.get(a) ?? [])].filter(([b]) => inCycle.has(b)).map(([, how]) => `  ${how}`),
  );
  problems.push(`import cycle between ${component.sort().join(", ")}:\n${closing.join("\n")}`);
}
for (const v of edges.keys()) if (!order.has(v)) visit(v);

// Workspace packages (packages/*) are installed by apps on their own: a package imports only its own files,
// the dependencies and peers its package.json declares, and its own name; never src/ (the service's
// Playwright, BullMQ and Redis would come with it), another package's files, or a Node built-in (it runs
// wherever fetch does).
const SPECIFIER =
  /(?:^|\s|;)(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\s|;)import\s+["']([^"']+)["']/g;
const packagesDir = join(root, "packages");
const packageDirs = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(packagesDir, entry.name));
for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  for (const file of sourceFiles(join(dir, "src"))) {
    for (const match of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      const where = `${relative(root, file)} imports ${specifier}`;
      if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier);
        if (!target.startsWith(dir + sep)) problems.push(`${where}: a package imports only its own files`);
        continue;
      }
      if (specifier.startsWith("node:")) {
        problems.push(`${where}: a package uses no Node built-in (it runs wherever fetch does)`);
        continue;
      }
      const name = specifier
        .split("/")
        .slice(0, specifier.startsWith("@") ? 2 : 1)
        .join("/");
      if (!declared.has(name))
        problems.push(`${where}: not a dependency or peer in ${relative(root, join(dir, "package.json"))}`);
    }
  }
}

if (problems.length) {
  process.stderr.write(`${problems.join("\n")}\n${problems.length} architecture problem(s)\n`);
  process.exit(1);
}
process.stdout.write(
  `architecture: ${folders.size} folders, imports as README.md's table allows, no cycles; ` +
    `${packageDirs.length} package(s) importing only their own files and declared dependencies\n`,
);
