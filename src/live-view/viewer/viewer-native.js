// The live-view page's native UI: what the remote browser shows besides the page (dialogs, a select's
// list, date/time/colour pickers, datalist suggestions, HTTP authentication, file choosers) and what it
// refused (downloads, permissions), drawn here as this page's own elements and answered by the person.
// Plain script, loaded before viewer.js, which calls LiveViewNative.create. Every text from the site is
// put in as text, never as markup. Messages: see src/live-view/viewer-messages.ts.
// biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module: strict mode is not implied
"use strict";
window.LiveViewNative = {
  /**
   * stage: the element over the remote picture; send(message); place(): where the picture lies
   * ({ rect, scale }); focusKeys(): gives the keyboard back to the remote page; watchOnly: a view-only
   * link, which sees dialogs and sign-in prompts but answers nothing.
   */
  create({ stage, send, place, focusKeys, watchOnly }) {
    const CHUNK = 45 * 1024;
    /** Chunks sent ahead of the worker's acknowledgement. */
    const AHEAD = 8;
    const items = new Map();
    let currentPage = null;
    let shown = null;
    const layer = element("div", { id: "native" });
    const toast = element("div", { id: "notice", role: "status", "aria-live": "polite", hidden: "" });
    stage.append(layer, toast);
    let toastTimer = 0;
    /** The list on screen (select or datalist): the highlighted item and the keys it took. */
    let list = null;
    const swallowed = new Set();
    let typeAhead = { text: "", at: 0 };

    function element(tag, attributes = {}, text) {
      const el = document.createElement(tag);
      for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
      if (text !== undefined) el.textContent = text;
      return el;
    }
    function button(text, onClick, className = "") {
      const b = element("button", { type: "button", class: className }, text);
      b.addEventListener("click", onClick);
      return b;
    }
    const answer = (ui, value) => {
      send({ t: "native-answer", id: ui.id, answer: value });
      // Gone from here at once; the worker's word that it closed follows.
      items.delete(ui.id);
      render();
    };

    /** Dialogs and challenges first: they hold the page. Then a file chooser, a picker, a list. */
    const RANK = { dialog: 0, auth: 1, file: 2, picker: 3, select: 4, datalist: 5 };
    function render() {
      const next =
        [...items.values()]
          .filter((ui) => ui.pageId === currentPage)
          .sort((a, b) => RANK[a.kind] - RANK[b.kind] || a.id - b.id)[0] ?? null;
      if (next?.id === shown?.id) return;
      const hadFocus = layer.contains(document.activeElement);
      shown = next;
      list = null;
      layer.replaceChildren();
      layer.className = "";
      if (!next) {
        if (hadFocus) focusKeys();
        return;
      }
      if (watchOnly) showWatched(next);
      else if (next.kind === "dialog") showDialog(next);
      else if (next.kind === "auth") showAuth(next);
      else if (next.kind === "file") showFile(next);
      else if (next.kind === "picker") showPicker(next);
      else showList(next);
    }

    /** A box over the picture, centred, that takes the pointer and the keys until answered. */
    function modal(title, ...children) {
      layer.className = "modal";
      const box = element("form", { class: "native-box", role: "dialog", "aria-modal": "true" });
      box.append(element("h2", {}, title), ...children);
      layer.append(box);
      return box;
    }
    const saysWho = (origin) => (origin ? `${origin} says` : "This page says");

    /** A view-only link: what the page asks, without the means to answer (the person with the control link does). */
    function showWatched(ui) {
      if (!["dialog", "auth", "file"].includes(ui.kind)) return;
      const title = ui.kind === "dialog" ? saysWho(ui.origin) : ui.kind === "auth" ? "Sign in" : "Choose a file";
      const text =
        ui.kind === "dialog"
          ? ui.message
          : ui.kind === "auth"
            ? `${ui.origin} asks for a user name and password.`
            : "The page asks for a file.";
      modal(title, element("p", { class: "message" }, text), element("p", {}, "The person logging in answers this."));
    }

    function showDialog(ui) {
      const leave = ui.dialog === "beforeunload";
      const box = modal(
        leave ? "Leave site?" : saysWho(ui.origin),
        element("p", { class: "message" }, leave ? "Changes that you made may not be saved." : ui.message),
      );
      const field = ui.dialog === "prompt" ? element("input", { type: "text", "aria-label": "Answer" }) : null;
      if (field) {
        field.value = ui.defaultPrompt;
        box.append(field);
      }
      const ok = button(
        leave ? "Leave" : "OK",
        () => answer(ui, { kind: "dialog", accept: true, text: field?.value }),
        "primary",
      );
      const buttons = element("div", { class: "buttons" });
      if (ui.dialog !== "alert") buttons.append(button("Cancel", () => answer(ui, { kind: "dialog", accept: false })));
      buttons.append(ok);
      box.append(buttons);
      box.addEventListener("submit", (e) => {
        e.preventDefault();
        ok.click();
      });
      box.addEventListener("keydown", (e) => {
        if (e.key === "Escape") answer(ui, { kind: "dialog", accept: false });
        else if (e.key === "Enter" && e.target !== field) {
          e.preventDefault();
          ok.click();
        }
      });
      (field ?? ok).focus();
      field?.select();
    }

    function showAuth(ui) {
      const user = element("input", { type: "text", autocomplete: "username", "aria-label": "User name" });
      const password = element("input", {
        type: "password",
        autocomplete: "current-password",
        "aria-label": "Password",
      });
      const label = (text, input) => {
        const l = element("label", {}, text);
        l.append(input);
        return l;
      };
      const box = modal(
        "Sign in",
        element("p", {}, `${ui.origin} asks for a user name and password${ui.realm ? ` for “${ui.realm}”` : ""}.`),
        ...(ui.retry
          ? [element("p", { class: "error" }, "The user name or password was not accepted. Try again.")]
          : []),
        label("User name", user),
        label("Password", password),
      );
      const buttons = element("div", { class: "buttons" });
      buttons.append(
        button("Cancel", () => answer(ui, { kind: "cancel" })),
        element("button", { type: "submit", class: "primary" }, "Sign in"),
      );
      box.append(buttons);
      box.addEventListener("submit", (e) => {
        e.preventDefault();
        answer(ui, { kind: "auth", username: user.value, password: password.value });
        // The password leaves this page's memory with the message.
        password.value = "";
      });
      box.addEventListener("keydown", (e) => e.key === "Escape" && answer(ui, { kind: "cancel" }));
      user.focus();
    }

    function showFile(ui) {
      const input = element("input", { type: "file", hidden: "" });
      if (ui.accept) input.setAttribute("accept", ui.accept);
      if (ui.multiple) input.setAttribute("multiple", "");
      const progress = element("p", { class: "progress", role: "status" });
      const box = modal(
        ui.multiple ? "Choose files" : "Choose a file",
        element("p", {}, `The page asks for ${ui.multiple ? "files" : "a file"} from your device.`),
        input,
        progress,
      );
      const choose = button(ui.multiple ? "Choose files…" : "Choose a file…", () => input.click(), "primary");
      const buttons = element("div", { class: "buttons" });
      buttons.append(
        button("Cancel", () => answer(ui, { kind: "cancel" })),
        choose,
      );
      box.append(buttons);
      box.addEventListener("keydown", (e) => e.key === "Escape" && answer(ui, { kind: "cancel" }));
      input.addEventListener("change", () => void upload(ui, [...input.files], progress));
      choose.focus();
    }

    /** Files go in chunks, a few ahead of what the worker has acknowledged. */
    const uploads = new Map();
    async function upload(ui, files, progress) {
      if (files.length === 0) return;
      const total = files.reduce((sum, f) => sum + f.size, 0);
      const state = { received: 0, refused: null, wake: () => {} };
      uploads.set(ui.id, state);
      progress.textContent = "Sending…";
      send({
        t: "file-begin",
        id: ui.id,
        files: files.map((f) => ({ name: f.name.slice(0, 255) || "file", size: f.size, type: f.type.slice(0, 100) })),
      });
      let sent = 0;
      for (const file of files) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        for (let at = 0; at < bytes.length; at += CHUNK) {
          while (!state.refused && sent - state.received >= AHEAD * CHUNK) await new Promise((r) => (state.wake = r));
          if (state.refused) return;
          const piece = bytes.subarray(at, at + CHUNK);
          let binary = "";
          for (let i = 0; i < piece.length; i += 8192) binary += String.fromCharCode(...piece.subarray(i, i + 8192));
          send({ t: "file-chunk", id: ui.id, data: btoa(binary) });
          sent += piece.length;
          progress.textContent = `Sending… ${Math.floor((sent / Math.max(1, total)) * 100)}%`;
        }
      }
      send({ t: "file-end", id: ui.id });
    }

    function showPicker(ui) {
      const field = element("input", { type: ui.input, "aria-label": "Value" });
      for (const name of ["min", "max", "step"]) if (ui[name]) field.setAttribute(name, ui[name]);
      field.value = ui.value;
      const words = {
        date: "a date",
        time: "a time",
        "datetime-local": "a date and time",
        month: "a month",
        week: "a week",
        color: "a colour",
      };
      layer.className = "anchored";
      const box = element("form", { class: "native-box picker" });
      box.append(element("h2", {}, `Choose ${words[ui.input] ?? "a value"}`), field);
      const buttons = element("div", { class: "buttons" });
      buttons.append(
        button("Cancel", () => answer(ui, { kind: "cancel" })),
        element("button", { type: "submit", class: "primary" }, "OK"),
      );
      box.append(buttons);
      box.addEventListener("submit", (e) => {
        e.preventDefault();
        answer(ui, field.value ? { kind: "value", value: field.value } : { kind: "cancel" });
      });
      box.addEventListener("keydown", (e) => e.key === "Escape" && answer(ui, { kind: "cancel" }));
      layer.append(box);
      anchor(box, ui.rect);
      field.focus();
    }

    /** A select's options or a field's suggestions, under (or over) the field, as the browser draws its own. */
    function showList(ui) {
      layer.className = "anchored";
      const box = element("div", { class: "native-list", role: "listbox", tabindex: "-1" });
      const options = [];
      let group;
      ui.items.forEach((item, index) => {
        const groupName = ui.kind === "select" ? item.group : undefined;
        if (groupName !== group && groupName) box.append(element("div", { class: "group" }, groupName));
        group = groupName;
        const label = ui.kind === "datalist" ? item.value : item.label;
        const option = element("div", { class: "option", role: "option" }, label || "\u00a0");
        if (ui.kind === "datalist" && item.label) option.append(element("span", { class: "hint" }, item.label));
        if (item.disabled) option.setAttribute("aria-disabled", "true");
        if (groupName) option.classList.add("in-group");
        option.addEventListener("pointerenter", () => !item.disabled && highlight(index));
        option.addEventListener("click", () => !item.disabled && answer(ui, { kind: "choose", index }));
        options.push(option);
        box.append(option);
      });
      layer.append(box);
      anchor(box, ui.rect, true);
      list = { ui, options, active: -1 };
      highlight(ui.kind === "select" ? ui.selected : -1);
    }
    function highlight(index) {
      if (!list) return;
      list.options[list.active]?.classList.remove("active");
      list.active = index;
      const option = list.options[index];
      if (!option) return;
      option.classList.add("active");
      option.scrollIntoView({ block: "nearest" });
    }
    const usable = (index) => list.ui.items[index] && !list.ui.items[index].disabled;
    function move(from, step) {
      for (let i = from + step; i >= 0 && i < list.ui.items.length; i += step) if (usable(i)) return i;
      return from;
    }

    /** Places a box at the field's place on the picture: below it, or above when there is more room there. */
    function anchor(box, rect, matchWidth) {
      const { rect: screen, scale } = place();
      const left = rect.x * scale;
      const top = (rect.y + rect.height) * scale;
      if (matchWidth) box.style.minWidth = `${Math.max(80, rect.width * scale)}px`;
      const below = screen.height - top - 8;
      const above = rect.y * scale - 8;
      const height = box.offsetHeight;
      box.style.left = `${Math.max(0, Math.min(left, screen.width - box.offsetWidth - 4))}px`;
      if (height <= below || below >= above) {
        box.style.top = `${top}px`;
        box.style.maxHeight = `${Math.max(80, below)}px`;
      } else {
        box.style.top = `${Math.max(0, rect.y * scale - Math.min(height, above))}px`;
        box.style.maxHeight = `${above}px`;
      }
    }

    /**
     * Keys while a list is shown: arrows, Home, End, Page keys, type-ahead, Enter, Escape act on it (as in
     * the browser's own list), and do not reach the page. A datalist takes only the keys that move in it.
     */
    function onKey(e) {
      if (e.type === "keyup") {
        if (!swallowed.has(e.code || e.key)) return false;
        swallowed.delete(e.code || e.key);
        return true;
      }
      if (!list) return false;
      const { ui } = list;
      const last = ui.items.length;
      let handled = true;
      if (e.key === "ArrowDown") highlight(move(list.active, 1));
      else if (e.key === "ArrowUp") highlight(move(list.active, -1));
      else if (e.key === "Home" && ui.kind === "select") highlight(move(-1, 1));
      else if (e.key === "End" && ui.kind === "select") highlight(move(last, -1));
      else if (e.key === "PageDown" && ui.kind === "select") highlight(move(Math.min(last - 1, list.active + 9), 1));
      else if (e.key === "PageUp" && ui.kind === "select") highlight(move(Math.max(0, list.active - 9), -1));
      else if (e.key === "Escape") answer(ui, { kind: "cancel" });
      else if ((e.key === "Enter" || e.key === "Tab" || (e.key === " " && ui.kind === "select")) && usable(list.active))
        answer(ui, { kind: "choose", index: list.active });
      else if (e.key === "Enter" && ui.kind === "select") answer(ui, { kind: "cancel" });
      else if (ui.kind === "select" && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
        // Type-ahead: the first option (from the highlighted one on) whose label starts with what was typed.
        const now = Date.now();
        typeAhead = { text: (now - typeAhead.at < 1000 ? typeAhead.text : "") + e.key.toLowerCase(), at: now };
        const order = ui.items.map((_, i) => (list.active + (typeAhead.text.length > 1 ? 0 : 1) + i) % last);
        const found = order.find((i) => usable(i) && ui.items[i].label.toLowerCase().startsWith(typeAhead.text));
        if (found !== undefined) highlight(found);
      } else handled = false;
      if (handled) swallowed.add(e.code || e.key);
      return handled;
    }

    function showNotice(notice) {
      const asked = {
        geolocation: "your location",
        notifications: "to show notifications",
        camera: "your camera",
        microphone: "your microphone",
      };
      const text =
        notice.kind === "download-refused"
          ? `Downloads are not available here: “${notice.filename}” was not downloaded.`
          : notice.kind === "permission-denied"
            ? `${notice.origin} asked for ${asked[notice.permission] ?? notice.permission}: refused in this view.`
            : notice.what === "directory"
              ? "The page asked for a folder: this view can send files, not folders."
              : "The page asked to open files in a way this view does not support.";
      toast.textContent = text;
      toast.hidden = false;
      clearTimeout(toastTimer);
      toastTimer = setTimeout(() => (toast.hidden = true), 8000);
    }

    return {
      /** A message from the worker; true when it was one of these. */
      handle(message) {
        if (message.t === "native") items.set(message.ui.id, message.ui);
        else if (message.t === "native-closed") {
          items.delete(message.id);
          uploads.delete(message.id);
        } else if (message.t === "notice") {
          showNotice(message.notice);
          return true;
        } else if (message.t === "upload" || message.t === "upload-refused") {
          const state = uploads.get(message.id);
          if (!state) return true;
          if (message.t === "upload") state.received = message.received;
          else {
            state.refused = message.reason;
            const progress = layer.querySelector(".progress");
            if (progress) progress.textContent = message.reason;
          }
          state.wake();
          return true;
        } else return false;
        render();
        return true;
      },
      /** The tab on screen: its native UI is shown, another tab's waits. */
      setPage(pageId) {
        currentPage = pageId;
        render();
      },
      /** Re-placed after the window or the picture changed size. */
      layout() {
        if (!shown || !["picker", "select", "datalist"].includes(shown.kind)) return;
        shown = null;
        render();
      },
      onKey,
      /** Whether one of this page's own fields or buttons has the keyboard (keys are then not the page's). */
      owns: (target) => layer.contains(target),
    };
  },
};
