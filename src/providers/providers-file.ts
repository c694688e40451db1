import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../core/config.ts";
import { createReloadableRegistry, loadProvidersFile, type ProviderRegistry } from "./provider-registry.ts";

/** Quiet time after the last change to the file before it is read: editors write in several steps. */
const RELOAD_DEBOUNCE_MS = 200;

/** The providers file, with the bundled demo site's ports available as ${DEMO_PORT} and ${DEMO_SSO_PORT}. */
export function loadProviders(config: Config) {
  return loadProvidersFile(config.PROVIDERS_FILE, {
    DEMO_PORT: String(config.DEMO_PORT),
    DEMO_SSO_PORT: String(config.DEMO_SSO_PORT),
    ...process.env,
  });
}

export interface WatchedProviders extends ProviderRegistry {
  /** Reads the file again now (SIGHUP does this); a bad file keeps the current providers and logs why. */
  reload(): Promise<void>;
  close(): void;
}

/**
 * The providers file, read again on SIGHUP and when it changes, without a restart. The folder is
 * watched rather than the file, because editors and Kubernetes config maps replace the file
 * (a new inode) instead of writing into it. Running sessions keep the provider they started with.
 */
export function watchProviders(config: Config, logger: Logger): WatchedProviders {
  const file = resolve(config.PROVIDERS_FILE);
  const registry = createReloadableRegistry(() => loadProviders(config));
  let lastText: string | undefined;
  void readFile(file, "utf8").then(
    (text) => (lastText ??= text),
    () => {},
  );

  const reload = async (why: "signal" | "change") => {
    const text = await readFile(file, "utf8").catch(() => undefined);
    // Events also come for the folder's other files, and for writes that change nothing.
    if (why === "change" && (text === undefined || text === lastText)) return;
    lastText = text;
    try {
      const ids = registry
        .reload()
        .list()
        .map((p) => p.id);
      logger.info({ file, providers: ids, why }, "providers reloaded");
    } catch (error) {
      logger.error(
        { file, why },
        `providers not reloaded, keeping the current ones: ${(error as Error).message.replaceAll("\n", " ")}`,
      );
    }
  };

  let debounce: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(file), (_event, name) => {
      if (name && name !== basename(file) && !name.startsWith("..")) return;
      clearTimeout(debounce);
      debounce = setTimeout(() => void reload("change"), RELOAD_DEBOUNCE_MS);
    });
    watcher.on("error", (error) =>
      logger.warn(
        { file, err: { message: error.message } },
        "cannot watch the providers file; SIGHUP still reloads it",
      ),
    );
  } catch (error) {
    logger.warn(
      { file, err: { message: (error as Error).message } },
      "cannot watch the providers file; SIGHUP still reloads it",
    );
  }
  const onHangup = () => void reload("signal");
  process.on("SIGHUP", onHangup);

  return {
    get: registry.get,
    list: registry.list,
    reload: () => reload("signal"),
    close() {
      clearTimeout(debounce);
      watcher?.close();
      process.off("SIGHUP", onHangup);
    },
  };
}
