import { type TotpSecret, totpCode, totpStepAt } from "../../credentials/totp-secret.ts";
import type { TotpStep } from "../../providers/site-conditions.ts";
import type { PageConditionWatcher } from "./page-conditions.ts";
import type { DevToolsTab, PageDevTools } from "./page-devtools.ts";

/**
 * Fills a provider's one-time-code step from a TOTP secret: when the step shows, the current code is
 * typed into its field with the browser's trusted input (DevTools `Input` events, as the live view
 * sends the person's keys: the page sees real key presses), then Enter. At most one code per run,
 * never a code already used (sites refuse a code twice), never into a field the person has started
 * typing in, and never again once the site turned a code down (a retry can lock the account).
 * Without a secret the step is left to the person, and the run says the step was `required`.
 */
export type TotpStepState =
  /** The step has not shown. */
  | "waiting"
  /** It showed and there is no secret to fill it with (or the person is filling it): a person must type the code. */
  | "required"
  /** A code is being typed. */
  | "filling"
  /** A code was typed (and submitted, unless the provider says the site sends it by itself). */
  | "filled"
  /** The site turned the code down. */
  | "rejected";

export interface TotpStepRun {
  readonly state: TotpStepState;
  /** When the code was typed (ms since the epoch). */
  readonly filledAt: number | undefined;
  /** A rejection the caller saw (a failure URL or response): counts as the code's when a code was typed. */
  rejectedBySite(): void;
  stop(): void;
}

export interface TotpStepOptions {
  /** The secret to fill codes from; absent: the step is the person's. */
  secret?: TotpSecret;
  /** When a code from this secret was last typed: a code of that time step is not typed again. */
  lastUsedAt?: string;
  /** Each change of state; `filled` comes with the time the code was typed. */
  onState?(state: TotpStepState, at: number): void;
  /** How long to wait for the step's field to show (or get the focus) before leaving the step to the person. */
  fieldWaitMs?: number;
}

const FIELD_RETRY_MS = 250;

export function fillTotpStep(
  devtools: PageDevTools,
  watcher: PageConditionWatcher,
  step: TotpStep,
  options: TotpStepOptions,
): TotpStepRun {
  let state: TotpStepState = "waiting";
  let filledAt: number | undefined;
  let stopped = false;
  const forget: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const become = (next: TotpStepState) => {
    if (stopped || state === next) return;
    state = next;
    // The site's own "wrong code" page, watched from the moment a code was typed.
    if (next === "filled" && step.rejected) forget.push(watcher.watch(step.rejected, rejectedBySite));
    options.onState?.(next, next === "filled" ? (filledAt ?? Date.now()) : Date.now());
  };
  function rejectedBySite() {
    if (state === "filled") become("rejected");
  }

  async function fill(pageId: string) {
    const secret = options.secret;
    if (!secret) return become("required");
    become("filling");
    const tab = await devtools.tab(pageId);
    if (!tab) return become("required");
    const deadline = Date.now() + (options.fieldWaitMs ?? 30_000);
    for (;;) {
      if (stopped) return;
      const field = await tab.evaluate<FieldState>(fieldExpression(step.field)).catch(() => undefined);
      if (field?.state === "typed") return become("required");
      if (field?.state === "ready") {
        const code = await freshCode(secret);
        if (stopped) return;
        if (await typeCode(tab, field, code, step)) {
          filledAt = Date.now();
          return become("filled");
        }
      }
      if (Date.now() > deadline) return become("required");
      await sleep(FIELD_RETRY_MS);
    }
  }

  /** The current code, once it is one not typed before and with time left for the site to check it. */
  async function freshCode(secret: TotpSecret): Promise<string> {
    const lastStep = options.lastUsedAt ? totpStepAt(secret, Date.parse(options.lastUsedAt)) : undefined;
    for (;;) {
      const { code, step, validForMs } = totpCode(secret);
      const margin = Math.min(3_000, (secret.period * 1000) / 3);
      if (step !== lastStep && validForMs >= margin) return code;
      await sleep(validForMs + 50);
      if (stopped) return code;
    }
  }

  forget.push(watcher.watch(step.when, (pageId) => void fill(pageId).catch(() => become("required"))));

  return {
    get state() {
      return state;
    },
    get filledAt() {
      return filledAt;
    },
    rejectedBySite,
    stop() {
      stopped = true;
      for (const f of forget) f();
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

type FieldState =
  | { state: "absent" }
  /** The person has started typing in it: theirs. */
  | { state: "typed" }
  | { state: "ready"; x: number; y: number; focused: boolean };

/**
 * Finds the field in the isolated world: the first shown element matching the selector, or the
 * focused text field. Brought into view if it is not, and its centre given in CSS pixels of the
 * viewport, where DevTools mouse events land.
 */
function fieldExpression(selector: string | undefined): string {
  return `(() => {
  const selector = ${JSON.stringify(selector ?? null)};
  const shown = (el) => el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0;
  const editable = (el) => !!el && (el.isContentEditable || el instanceof HTMLTextAreaElement ||
    (el instanceof HTMLInputElement && ["text", "tel", "number", "password", "search", ""].includes(el.type)));
  let el = null;
  if (selector) {
    let found = [];
    try { found = document.querySelectorAll(selector); } catch {}
    for (const candidate of found) if (shown(candidate)) { el = candidate; break; }
  } else if (editable(document.activeElement)) el = document.activeElement;
  if (!el || !editable(el) || el.disabled || el.readOnly) return { state: "absent" };
  if ((el.isContentEditable ? el.textContent : el.value) !== "") return { state: "typed" };
  let box = el.getBoundingClientRect();
  if (box.bottom < 0 || box.right < 0 || box.top > innerHeight || box.left > innerWidth) {
    el.scrollIntoView({ block: "center", inline: "center" });
    box = el.getBoundingClientRect();
  }
  return { state: "ready", x: box.left + box.width / 2, y: box.top + box.height / 2, focused: document.activeElement === el };
})()`;
}

/** Clicks the field unless it has the focus, then types the code and (unless told not to) Enter. False when the field did not take the focus. */
async function typeCode(
  tab: DevToolsTab,
  field: Extract<FieldState, { state: "ready" }>,
  code: string,
  step: TotpStep,
): Promise<boolean> {
  const { channel } = tab;
  if (!field.focused) {
    const at = { x: field.x, y: field.y };
    await channel.send("Input.dispatchMouseEvent", { type: "mouseMoved", ...at, button: "none", buttons: 0 });
    await channel.send("Input.dispatchMouseEvent", {
      type: "mousePressed",
      ...at,
      button: "left",
      buttons: 1,
      clickCount: 1,
    });
    await channel.send("Input.dispatchMouseEvent", {
      type: "mouseReleased",
      ...at,
      button: "left",
      buttons: 0,
      clickCount: 1,
    });
    const now = await tab.evaluate<FieldState>(fieldExpression(step.field)).catch(() => undefined);
    if (now?.state !== "ready" || !now.focused) return false;
  }
  for (const digit of code) {
    const key = { key: digit, code: `Digit${digit}`, windowsVirtualKeyCode: digit.charCodeAt(0) };
    await channel.send("Input.dispatchKeyEvent", { type: "keyDown", ...key, text: digit, unmodifiedText: digit });
    await channel.send("Input.dispatchKeyEvent", { type: "keyUp", ...key });
  }
  if (step.submit) {
    const enter = { key: "Enter", code: "Enter", windowsVirtualKeyCode: 13 };
    await channel.send("Input.dispatchKeyEvent", { type: "keyDown", ...enter, text: "\r", unmodifiedText: "\r" });
    await channel.send("Input.dispatchKeyEvent", { type: "keyUp", ...enter });
  }
  return true;
}
