/**
 * The script that looks for native UI a screencast never shows: an open `<select>` list or date, time
 * or colour picker (the `:open` pseudo-class), a field's `<datalist>` suggestions, a permission the
 * browser refused, the title changing in place. It runs in our isolated world of every frame
 * (browser/isolated-world.ts, installed by Page.addScriptToEvaluateOnNewDocument with that world's
 * name): the page cannot see it or its globals,
 * and it uses that world's own built-ins, so nothing the page does to its own changes what it finds.
 * It adds no listener to the page's elements and calls nothing of the page's; the worker asks it
 * (`__blcLook()`, evaluated in that world through Page.createIsolatedWorld, which answers the same
 * world) while someone watches the session: no Runtime.enable, no binding, nothing the page can detect.
 */

/** Answers what changed since it was last asked: a list of reports. */
export const LOOK = "globalThis.__blcLook?.() ?? []";
/** The element whose picker or list is open now, for the worker to act on. */
export const OPEN_ELEMENT = "globalThis.__blcOpenElement";

/** At most this many options or suggestions, each label cut to this many characters. */
export const MAX_ITEMS = 500;
export const MAX_LABEL = 200;

/** What the world reports. */
export type WorldReport =
  | { t: "picker"; doc: string; open: null | WorldSelect | WorldPicker }
  | { t: "datalist"; doc: string; open: null | { rect: WorldRect; items: { value: string; label: string }[] } }
  | { t: "permission"; permission: string; origin: string }
  | { t: "title" };

export interface WorldRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WorldSelect {
  kind: "select";
  rect: WorldRect;
  /** Visible options; `index` is the option's index in the select. */
  items: { index: number; label: string; disabled: boolean; group?: string }[];
  selectedIndex: number;
}

export interface WorldPicker {
  kind: "picker";
  input: "date" | "time" | "datetime-local" | "month" | "week" | "color";
  rect: WorldRect;
  value: string;
  min: string;
  max: string;
  step: string;
}

export const WATCHER_SOURCE = `(() => {
  if (globalThis.__blcLook) return;
  const doc = Math.random().toString(36).slice(2);
  const PICKERS = new Set(["date", "time", "datetime-local", "month", "week", "color"]);
  const clip = (text) => String(text ?? "").replace(/\\s+/g, " ").trim().slice(0, ${MAX_LABEL});
  const reports = [];

  // The field's box in the top page's viewport: frames of the same origin add their own offsets.
  function rectOf(el) {
    const r = el.getBoundingClientRect();
    let x = r.left, y = r.top;
    let win = window;
    try {
      while (win !== win.top && win.frameElement) {
        const f = win.frameElement.getBoundingClientRect();
        const style = win.parent.getComputedStyle(win.frameElement);
        x += f.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
        y += f.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop);
        win = win.parent;
      }
    } catch {}
    return { x: Math.round(x), y: Math.round(y), width: Math.round(r.width), height: Math.round(r.height) };
  }

  function describe(el) {
    if (el instanceof HTMLSelectElement) {
      const items = [];
      for (let i = 0; i < el.options.length && items.length < ${MAX_ITEMS}; i++) {
        const o = el.options[i];
        if (o.hidden || getComputedStyle(o).display === "none") continue;
        const group = o.parentElement instanceof HTMLOptGroupElement ? o.parentElement : null;
        items.push({ index: i, label: clip(o.label || o.text), disabled: o.disabled || !!group?.disabled, ...(group ? { group: clip(group.label) } : {}) });
      }
      return { kind: "select", rect: rectOf(el), items, selectedIndex: el.selectedIndex };
    }
    return { kind: "picker", input: el.type, rect: rectOf(el), value: el.value, min: el.min, max: el.max, step: el.step };
  }

  let pickerJson = "null";
  function lookForPicker() {
    let el = null;
    try {
      el = document.querySelector("select:open, input:open");
    } catch {
      return; // a browser without :open: nothing to report
    }
    if (el instanceof HTMLInputElement && !PICKERS.has(el.type)) el = null;
    const described = el ? describe(el) : null;
    const json = JSON.stringify(described);
    if (json === pickerJson) return;
    pickerJson = json;
    globalThis.__blcOpenElement = el;
    reports.push({ t: "picker", doc, open: described });
  }

  let listJson = "null";
  function lookForSuggestions() {
    const el = document.activeElement;
    let described = null;
    if (el instanceof HTMLInputElement && el.list) {
      const typed = el.value.toLowerCase();
      const items = [];
      for (const o of el.list.options) {
        if (items.length >= 200) break;
        if (o.disabled || !o.value || o.value === el.value) continue;
        const label = clip(o.label && o.label !== o.value ? o.label : "");
        if (typed && !o.value.toLowerCase().includes(typed) && !label.toLowerCase().includes(typed)) continue;
        items.push({ value: o.value.slice(0, 1000), label });
      }
      if (items.length > 0) described = { rect: rectOf(el), items };
    }
    const json = JSON.stringify(described);
    if (json === listJson) return;
    listJson = json;
    reports.push({ t: "datalist", doc, open: described });
  }

  let title = window === window.top ? document.title : "";
  function lookAtTitle() {
    if (window !== window.top || document.title === title) return;
    title = document.title;
    reports.push({ t: "title" });
  }

  // A refused permission: the browser answers the page alone; a status object of this world's hears it too.
  for (const name of ["geolocation", "notifications", "camera", "microphone"]) {
    navigator.permissions?.query({ name }).then((status) => {
      status.addEventListener("change", () => {
        if (status.state === "denied" && reports.length < 100) reports.push({ t: "permission", permission: name, origin: location.origin });
      });
    }, () => {});
  }

  globalThis.__blcLook = () => {
    lookForPicker();
    lookForSuggestions();
    lookAtTitle();
    return reports.splice(0);
  };
})()`;
