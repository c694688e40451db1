import type { CDPSession } from "patchright-core";
import { press, send, typeChars } from "./native-ui-keys.ts";

/** What each picker field accepts: the value a person chooses in the view is checked against it. */
export const FIELD_VALUE: Record<string, RegExp> = {
  date: /^\d{4,6}-\d{2}-\d{2}$/,
  time: /^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/,
  "datetime-local": /^\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/,
  month: /^\d{4,6}-\d{2}$/,
  week: /^\d{4,6}-W\d{2}$/,
  color: /^#[0-9a-f]{6}$/,
};

interface DomNode {
  backendNodeId: number;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
}

/** The field's edit segments in the order it shows them (month, day, year… as the browser's locale has it). */
function segments(node: DomNode, out: { name: string; backendNodeId: number }[] = []) {
  const attributes = node.attributes ?? [];
  const pseudo = attributes[attributes.indexOf("pseudo") + 1];
  const name = attributes.includes("pseudo")
    ? /^-webkit-datetime-edit-(\w+)-field$/.exec(pseudo ?? "")?.[1]
    : undefined;
  if (name) out.push({ name, backendNodeId: node.backendNodeId });
  for (const child of [...(node.shadowRoots ?? []), ...(node.children ?? [])]) segments(child, out);
  return out;
}

/** The digits each segment takes for `value` (`ampm` gets a letter; the hour is 12-hour when there is one). */
function digitsFor(input: string, value: string, twelveHour: boolean): Record<string, string> {
  const [datePart, timePart] = input === "time" ? ["", value] : value.split("T");
  const out: Record<string, string> = {};
  if (input === "week") {
    const [year, week] = value.split("-W");
    return { year: year!, week: week! };
  }
  if (datePart) {
    const [year, month, day] = datePart.split("-");
    Object.assign(out, { year, month, ...(day ? { day } : {}) });
  }
  if (timePart) {
    const [hms, ms] = timePart.split(".");
    const [h, m, s] = hms!.split(":").map(Number) as [number, number, number | undefined];
    const hour = twelveHour ? ((h + 11) % 12) + 1 : h;
    Object.assign(out, {
      hour: String(hour).padStart(2, "0"),
      minute: String(m).padStart(2, "0"),
      ampm: h < 12 ? "A" : "P",
      ...(s !== undefined ? { second: String(s).padStart(2, "0") } : {}),
      ...(ms ? { millisecond: ms.padEnd(3, "0") } : {}),
    });
  }
  return out;
}

const fieldValue = async (cdp: CDPSession, objectId: string): Promise<string> =>
  (
    await send(cdp, "Runtime.callFunctionOn", {
      objectId,
      functionDeclaration: "function () { return this.value; }",
      returnByValue: true,
    })
  ).result.value;

/** The value set from a script, with the input and change a page listens to (those events are not trusted). */
async function setValue(cdp: CDPSession, objectId: string, value: string): Promise<void> {
  await send(cdp, "Runtime.callFunctionOn", {
    objectId,
    functionDeclaration: `function (value) {
      this.value = value;
      this.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
      this.dispatchEvent(new Event("change", { bubbles: true }));
    }`,
    arguments: [{ value }],
  });
}

/**
 * Puts a date or time the person chose into the field as a person typing it would: the picker is
 * closed, each of the field's segments is focused in turn (no focus or blur event reaches the page:
 * the field keeps its focus) and its digits typed, and the value is read back. Where typing does not
 * give the value (a locale's day-period letters), it is set from a script instead. A colour is set
 * that way: the colour chooser takes no keys.
 */
export async function fillPickerField(cdp: CDPSession, objectId: string, input: string, value: string): Promise<void> {
  await press(cdp, "Escape");
  if (input === "color") return setValue(cdp, objectId, value);
  const { node } = (await send(cdp, "DOM.describeNode", { objectId, depth: -1, pierce: true })) as { node: DomNode };
  const parts = segments(node);
  const digits = digitsFor(
    input,
    value,
    parts.some((p) => p.name === "ampm"),
  );
  for (const part of parts) {
    const wanted = digits[part.name];
    if (!wanted) continue;
    await send(cdp, "DOM.focus", { backendNodeId: part.backendNodeId });
    await typeChars(cdp, wanted);
  }
  if ((await fieldValue(cdp, objectId)) === value) return;
  const ampm = parts.find((p) => p.name === "ampm");
  if (ampm) {
    // Twelve hours off: this locale's day period is not typed with A or P; the arrow turns it.
    await send(cdp, "DOM.focus", { backendNodeId: ampm.backendNodeId });
    await press(cdp, "ArrowUp");
    if ((await fieldValue(cdp, objectId)) === value) return;
  }
  await setValue(cdp, objectId, value);
}
