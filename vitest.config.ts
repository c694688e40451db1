import { defineConfig } from "vitest/config";

/** Workspace packages resolve to their TypeScript sources (package.json exports), as under Node with --conditions. */
const conditions = ["@browser-login-capture/source"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["test/**/*.test.ts"],
    // Each file starts its own Redis, Chromium and servers; on two cores they run best one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
