import { readFileSync } from "node:fs";

const INCLUDE = /^([ \t]*)\/\/ @include (shared\/[\w-]+\.js)[ \t]*$/gm;

/**
 * A browser script of this folder as served: each `// @include shared/<file>.js` line becomes that
 * file's text, indented as the line was. The connect page and the components share their flow this
 * way without a build step, and inside their own function scope (nothing shared becomes a global of
 * the app's page).
 */
export function connectScript(path: string): string {
  const read = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
  return read(path).replace(INCLUDE, (_line, indent: string, name: string) =>
    read(name)
      .trimEnd()
      .split("\n")
      .map((line) => (line ? indent + line : line))
      .join("\n"),
  );
}
