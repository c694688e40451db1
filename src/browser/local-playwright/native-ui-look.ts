import type { CDPSession } from "patchright-core";
import { evaluateInIsolatedWorld, ISOLATED_WORLD, isolatedWorld } from "../isolated-world.ts";
import { send } from "./native-ui-keys.ts";
import { LOOK, OPEN_ELEMENT, WATCHER_SOURCE, type WorldReport } from "./native-ui-world.ts";

/** How often a watched tab is looked at, and when after the person's input (the browser builds a list in 20–40 ms). */
const EVERY_MS = 250;
/** The waits between looks after input: soon, then less often, then back to EVERY_MS. */
const AFTER_INPUT_MS = [0, 20, 20, 30, 40, 60, 100];

export interface TabLook {
  /** Someone is watching the session: look now and then. */
  setWatched(watched: boolean): void;
  /** The person just acted in the tab (a click, a key): look at once, and a few times more. */
  soon(): void;
  /** The object of the element whose picker or list is open in `frameId`, for DevTools commands. */
  openElement(frameId: string): Promise<string | undefined>;
  /** An object's handle in the frame's world (DOM.resolveNode), for reading an element the page does not see us read. */
  worldOf(frameId: string): Promise<number | undefined>;
  stop(): void;
}

/**
 * Looks into one tab's frames for native UI (native-ui-world.ts). The script is installed in an
 * isolated world of every document; the worker asks it what changed, through the same world
 * (Page.createIsolatedWorld answers the world of that name), while someone watches and right after
 * their input. One look at a time; a tab waiting for a person (a dialog: anything evaluated would
 * wait for the answer) is not looked at.
 */
export async function startTabLook(
  cdp: CDPSession,
  {
    onReport,
    onFrameGone,
    blocked,
  }: {
    onReport(frameId: string, report: WorldReport): void;
    /** A frame navigated or went away: what its world reported open is gone. */
    onFrameGone(frameId: string): void;
    blocked(): boolean;
  },
): Promise<TabLook> {
  /** The world's context in each frame, asked for once per document. */
  const worlds = new Map<string, Promise<number | undefined>>();
  let frames: string[] | undefined;
  let watched = false;
  let stopped = false;
  let looking = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  /** The step of the looks after input under way (one timer, however fast the person types); undefined when none. */
  let burst: { step: number; timer?: NodeJS.Timeout } | undefined;

  const forget = (frameId: string) => {
    worlds.delete(frameId);
    onFrameGone(frameId);
  };
  cdp.on("Page.frameNavigated", ({ frame }: { frame: { id: string } }) => {
    frames = undefined;
    forget(frame.id);
  });
  cdp.on("Page.frameDetached", ({ frameId }: { frameId: string }) => {
    frames = undefined;
    forget(frameId);
  });
  cdp.on("Page.frameAttached", () => {
    frames = undefined;
  });

  function worldOf(frameId: string): Promise<number | undefined> {
    let world = worlds.get(frameId);
    if (!world) {
      world = isolatedWorld((method, params) => send(cdp, method, params), frameId).catch(() => undefined);
      worlds.set(frameId, world);
    }
    return world;
  }

  async function frameIds(): Promise<string[]> {
    if (!frames) {
      type Tree = { frame: { id: string }; childFrames?: Tree[] };
      const { frameTree } = (await send(cdp, "Page.getFrameTree")) as { frameTree: Tree };
      const ids: string[] = [];
      const walk = (tree: Tree) => {
        ids.push(tree.frame.id);
        for (const child of tree.childFrames ?? []) walk(child);
      };
      walk(frameTree);
      frames = ids;
    }
    return frames;
  }

  async function lookIn(frameId: string) {
    const contextId = await worldOf(frameId);
    if (contextId === undefined) return;
    try {
      const reports = await evaluateInIsolatedWorld<WorldReport[]>(
        (method, params) => send(cdp, method, params),
        LOOK,
        contextId,
      );
      for (const report of reports ?? []) onReport(frameId, report);
    } catch {
      // The document went away meanwhile: its next one gets a world of its own.
      worlds.delete(frameId);
    }
  }

  async function look() {
    if (stopped) return;
    if (looking) {
      again = true;
      return;
    }
    looking = true;
    try {
      do {
        again = false;
        if (blocked()) break;
        const ids = await frameIds().catch(() => [] as string[]);
        await Promise.all(ids.map(lookIn));
      } while (again && !stopped);
    } finally {
      looking = false;
    }
  }

  const schedule = () => {
    clearTimeout(timer);
    if (watched && !stopped) timer = setTimeout(() => void look().finally(schedule), EVERY_MS);
  };

  await send(cdp, "Page.addScriptToEvaluateOnNewDocument", {
    source: WATCHER_SOURCE,
    worldName: ISOLATED_WORLD,
    runImmediately: true,
  });

  return {
    setWatched(value) {
      if (value === watched) return;
      watched = value;
      schedule();
    },
    soon() {
      if (stopped) return;
      if (burst) {
        // Input again while looking after the last: start the steps over, with the timer already set.
        burst.step = 0;
        return;
      }
      burst = { step: 0 };
      const tick = () => {
        if (!burst || stopped) return;
        const wait = AFTER_INPUT_MS[burst.step++];
        if (wait === undefined) {
          burst = undefined;
          return;
        }
        burst.timer = setTimeout(() => void look().finally(tick), wait);
      };
      tick();
    },
    async openElement(frameId) {
      const contextId = await worldOf(frameId);
      if (contextId === undefined) return undefined;
      const { result } = await send(cdp, "Runtime.evaluate", { expression: OPEN_ELEMENT, contextId });
      return result?.objectId;
    },
    worldOf,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(burst?.timer);
      burst = undefined;
    },
  };
}
