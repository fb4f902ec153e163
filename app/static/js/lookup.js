// Fields with a ▼ (manual 第三篇 关于键盘操作): type a code, English or Chinese and the list follows;
// ↑/↓ move, Enter fills the field, Enter again moves to the next field, Tab moves on, Esc closes.
// Short tables arrive as <select data-lookup> (filtered here, in the page); long ones as
// <input data-lookup> (asked of the server as you type). Without this script both still work.
import { closeModal, openModal } from "./modal.js";

const fold = (s) => (s || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
let uid = 0;

// ---------------------------------------------------------------- the option list
// The list lives at the end of <body> with a fixed position computed from the field, so that no form,
// section or tab pane can clip it: it opens under the field, or above it when there is more room there,
// is never taller than the room it has (it scrolls inside), and follows the field when the page scrolls.
const LIST_MAX = 280;
const LIST_MIN_WIDTH = 320;
let openCombo = null; // one list at a time: opening one closes any other

class Combo {
  constructor(input, source) {
    this.input = input;
    this.source = source; // (query) => Promise<[{code, label, html}]>
    this.items = [];
    this.index = -1;
    this.list = document.createElement("ul");
    this.list.className = "lookup-options";
    this.list.setAttribute("role", "listbox");
    this.list.id = "lookup-list-" + (++uid);
    this.list.hidden = true;
    const label = input.id && document.querySelector('label[for="' + input.id + '"]');
    this.list.setAttribute("aria-label", (label ? label.textContent.replace("*", "").trim() : "") + "选项");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "lookup-toggle";
    toggle.tabIndex = -1;
    toggle.title = "展开列表";
    toggle.setAttribute("aria-label", "展开" + (label ? label.textContent.replace("*", "").trim() : "") + "列表");
    toggle.textContent = "▼";
    input.parentNode.insertBefore(toggle, input.nextSibling);
    this.toggle = toggle;
    toggle.addEventListener("mousedown", (e) => {
      e.preventDefault();
      if (this.open()) this.close();
      else { input.focus(); this.refresh(""); }
    });
    input.addEventListener("focus", () => this.refresh(this.queryText()));
    input.addEventListener("input", () => { this.chosen = null; this.refresh(input.value); });
    input.addEventListener("keydown", (e) => this.key(e));
    input.addEventListener("blur", () => setTimeout(() => {
      // Still here, or the whole window lost the focus (another window, a screenshot): keep what was typed.
      if (document.activeElement === this.input || !document.hasFocus()) return;
      this.ticket = (this.ticket || 0) + 1; // answers still on their way are for a field the clerk has left
      this.close();
      this.settle();
    }, 150));
    this.list.addEventListener("mousedown", (e) => {
      e.preventDefault(); // the field keeps the focus: a click picks, it does not blur
      const li = e.target.closest("li[data-code]");
      if (li) this.choose(this.items[Number(li.getAttribute("data-index"))]);
    });
    // Scrolling the field out of the window closes the list; a resize (a phone turned, the browser's own
    // emulation for a full-page screenshot) only moves it: the window's size may pass through odd values.
    this.follow = (e) => { if (!e || e.target !== this.list) this.place(e && e.type === "resize"); };
  }

  // Under the field, or above it when the room below is short and there is more above; never outside the viewport.
  place(resizing) {
    if (!this.open()) return;
    if (!this.input.isConnected || this.input.offsetParent === null) { this.close(); return; }
    const box = this.input.getBoundingClientRect();
    const right = this.toggle.isConnected ? this.toggle.getBoundingClientRect().right : box.right;
    const view = { w: document.documentElement.clientWidth, h: document.documentElement.clientHeight };
    if (!resizing && (box.bottom < 0 || box.top > view.h)) { this.close(); return; }
    const list = this.list;
    const width = Math.min(Math.max(right - box.left, LIST_MIN_WIDTH), view.w - 8);
    list.style.width = width + "px";
    list.style.left = Math.max(4, Math.min(box.left, view.w - width - 4)) + "px";
    const below = view.h - box.bottom - 6;
    const above = box.top - 6;
    const wanted = Math.min(list.scrollHeight + 2, LIST_MAX);
    const up = below < wanted && above > below;
    const room = Math.max(up ? above : below, 60);
    list.style.maxHeight = Math.min(LIST_MAX, room) + "px";
    const height = Math.min(list.scrollHeight + 2, LIST_MAX, room);
    list.style.top = (up ? box.top - height - 2 : box.bottom + 2) + "px";
    list.className = "lookup-options" + (up ? " above" : "");
  }

  open() { return !this.list.hidden; }

  // Focusing a field that already holds a choice lists everything, so a neighbour can be picked.
  queryText() { return this.chosen && this.input.value === this.chosen.label ? "" : this.input.value; }

  refresh(query) {
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    this.pending = true;
    this.source(query).then((items) => {
      if (ticket !== this.ticket) return;
      this.pending = false;
      if (document.activeElement !== this.input) { this.enterWaiting = false; return; }
      this.items = items;
      this.index = items.length ? 0 : -1;
      this.render();
      // Enter pressed before the list for the latest keystrokes arrived: take its first match now.
      if (this.enterWaiting) { this.enterWaiting = false; if (this.index >= 0) this.choose(this.items[0]); }
    });
  }

  render() {
    const list = this.list;
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!this.items.length) {
      const li = document.createElement("li");
      li.className = "lookup-empty";
      li.setAttribute("role", "option");
      li.setAttribute("aria-disabled", "true");
      li.textContent = "无匹配项";
      list.appendChild(li);
    }
    this.items.forEach((item, i) => {
      const li = document.createElement("li");
      li.className = "lookup-option" + (i === this.index ? " active" : "");
      li.setAttribute("role", "option");
      li.setAttribute("data-code", item.code);
      li.setAttribute("data-index", String(i));
      li.id = list.id + "-" + i;
      li.innerHTML = item.html;
      list.appendChild(li);
    });
    if (openCombo && openCombo !== this) openCombo.close();
    openCombo = this;
    // fixed to the viewport, so it may live anywhere: inside <main>, where its page's content is
    if (!list.isConnected) (document.getElementById("content") || document.body).appendChild(list);
    list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.input.setAttribute("aria-controls", list.id);
    this.place();
    window.addEventListener("scroll", this.follow, true);
    window.addEventListener("resize", this.follow);
    this.highlight();
  }

  highlight() {
    const options = this.list.querySelectorAll("li[data-code]");
    options.forEach((li, i) => { li.className = "lookup-option" + (i === this.index ? " active" : ""); });
    const active = options[this.index];
    if (active) {
      this.input.setAttribute("aria-activedescendant", active.id);
      if (active.offsetTop < this.list.scrollTop) this.list.scrollTop = active.offsetTop;
      else if (active.offsetTop + active.offsetHeight > this.list.scrollTop + this.list.clientHeight)
        this.list.scrollTop = active.offsetTop + active.offsetHeight - this.list.clientHeight;
    }
  }

  close() {
    if (openCombo === this) openCombo = null;
    this.list.hidden = true;
    if (this.list.parentNode) this.list.parentNode.removeChild(this.list);
    window.removeEventListener("scroll", this.follow, true);
    window.removeEventListener("resize", this.follow);
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-controls");
    this.input.removeAttribute("aria-activedescendant");
  }

  choose(item) {
    if (!item) return;
    this.ticket = (this.ticket || 0) + 1; // a list still on its way must not reopen over the choice
    this.pending = false;
    this.chosen = item;
    // Some fields (HS编码) keep the bare code; most show "code name".
    this.input.value = this.input.getAttribute("data-pick") === "code" ? item.code : item.label;
    this.close();
    this.input.dispatchEvent(new CustomEvent("lookup:chosen", { bubbles: true, detail: item }));
  }

  settle() {}

  key(e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!this.open()) { this.refresh(this.queryText()); return; }
      const n = this.items.length;
      if (!n) return;
      this.index = (this.index + (e.key === "ArrowDown" ? 1 : -1) + n) % n;
      this.highlight();
    } else if (e.key === "Enter" && this.pending) {
      e.preventDefault();
      e.stopPropagation();
      this.enterWaiting = true; // the list is still coming for what was just typed
    } else if (e.key === "Enter" && this.open() && this.index >= 0) {
      e.preventDefault();
      e.stopPropagation(); // the first Enter fills the field; the next one moves on (forms.js)
      this.choose(this.items[this.index]);
    } else if (e.key === "Escape" && this.open()) {
      e.preventDefault();
      this.close();
    } else if (e.key === "Tab" && this.open()) {
      this.close();
    }
  }
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// A short table: the <select> stays (hidden) and is what the form submits.
function enhanceSelect(select) {
  const options = Array.prototype.filter.call(select.options, (o) => o.value);
  const entries = options.map((o) => ({ code: o.value, label: o.text, key: fold(o.text),
    html: '<span class="code">' + escapeHtml(o.value) + "</span> " + escapeHtml(o.text.slice(o.value.length).trim()) +
      // 待核实: what it means and whom to ask, under the option (the text comes with the option from the server)
      (o.getAttribute("data-unverified") ? ' <span class="unverified">' + escapeHtml(o.getAttribute("data-unverified")) + "</span>" : "") }));
  const input = document.createElement("input");
  input.type = "text";
  input.autocomplete = "off";
  input.className = "lookup-input";
  input.id = select.id;
  select.id = select.id + "-select";
  select.hidden = true;
  select.tabIndex = -1;
  select.setAttribute("aria-hidden", "true");
  input.value = select.selectedIndex > 0 ? select.options[select.selectedIndex].text : "";
  for (const name of ["aria-invalid", "aria-describedby"]) {
    if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
  }
  select.parentNode.insertBefore(input, select);
  const combo = new Combo(input, (query) => {
    const q = fold(query);
    const codeFirst = (e) => (fold(e.code).indexOf(q) === 0 ? 0 : 1);
    const found = q ? entries.filter((e) => e.key.indexOf(q) >= 0).sort((a, b) => codeFirst(a) - codeFirst(b)) : entries;
    return Promise.resolve(found);
  });
  combo.chosen = entries.find((e) => e.code === select.value) || null;
  // form.reset() puts the <select> back to its first value: show that in the text box too.
  if (select.form) {
    select.form.addEventListener("reset", () => setTimeout(() => {
      combo.chosen = entries.find((e) => e.code === select.value) || null;
      input.value = combo.chosen ? combo.chosen.label : "";
    }, 0));
  }
  input.addEventListener("lookup:chosen", (e) => {
    select.value = e.detail.code;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
  // A value set by the page (a proposed unit, an earlier row chosen in the HS dialog): show it in the text box.
  select.addEventListener("lookup:set", () => {
    combo.chosen = entries.find((e) => e.code === select.value) || null;
    input.value = combo.chosen ? combo.chosen.label : "";
  });
  // Leaving the field: an exact code or a single match is taken; empty clears; anything else is undone.
  combo.settle = () => {
    const q = fold(input.value);
    if (!q) { select.value = ""; combo.chosen = null; return; }
    if (combo.chosen && input.value === combo.chosen.label) return;
    const exact = entries.find((e) => fold(e.code) === q || e.key === q);
    const matches = entries.filter((e) => e.key.indexOf(q) >= 0);
    const pick = exact || (matches.length === 1 ? matches[0] : null);
    if (pick) combo.choose(pick);
    else input.value = combo.chosen ? combo.chosen.label : "";
  };
}

// A long table: the text input is submitted as typed and checked by the server.
function enhanceInput(input) {
  const url = input.getAttribute("data-lookup-url");
  const category = input.getAttribute("data-category");
  let timer = null;
  const combo = new Combo(input, (query) => new Promise((resolve) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const params = new URLSearchParams({ q: query, limit: "12" });
      if (category) params.set("category", category);
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then((r) => (r.ok ? r.text() : ""))
        .then((html) => {
          const doc = new DOMParser().parseFromString(html, "text/html");
          resolve(Array.prototype.map.call(doc.querySelectorAll("li[data-code]"), (li) => ({
            code: li.getAttribute("data-code"), label: li.getAttribute("data-label"), html: li.innerHTML,
            unit: li.getAttribute("data-unit") || "", fill: li.getAttribute("data-fill") || "" })));
        })
        .catch(() => resolve([]));
    }, query ? 80 : 0);
  }));
  combo.chosen = input.value ? { label: input.value } : null;
  // 商品库: choosing a product fills the editor's other fields (HS, names, units, this agreement's criterion).
  if (input.hasAttribute("data-fills-row")) {
    input.addEventListener("lookup:chosen", (e) => fillRow(input.form, e.detail.fill, input));
  }
}

// ---------------------------------------------------------------- the query dialog (弹框)
let dialogReturn = null;

export function openDialog(url, input) {
  dialogReturn = input;
  // What the field holds is the search (a chosen "CODE name" is not: the dialog then lists from the start).
  const q = input && input.value && !/^[A-Z0-9]{2,10} /.test(input.value) ? input.value : "";
  openModal(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q), input,
    { title: "查询", onClose: () => { dialogReturn = null; } });
}

function pick(button) {
  const input = dialogReturn;
  if (input) {
    input.value = button.getAttribute(input.getAttribute("data-pick") === "code" ? "data-code" : "data-label");
    input.dispatchEvent(new Event("change", { bubbles: true }));
    fillRow(input.form, button.getAttribute("data-fill"), input);
  }
  closeModal();
}

// A 商品库 product chosen (in the HS dialog or the 商品库 field) fills the editor's other fields (names, units,
// criterion); a <select> takes a value only when it has that option (another agreement's criterion is left alone).
function fillRow(form, json, except) {
  if (!form || !json) return;
  let values;
  try { values = JSON.parse(json); } catch (err) { return; }
  for (const name of Object.keys(values)) {
    const el = form.elements[name];
    if (!el || el === except || !el.tagName) continue;
    setField(el, values[name]);
  }
}

// Put a value in a field as if the clerk had chosen it; a <select> only takes a value it has an option for.
export function setField(el, value) {
  if (el.tagName === "SELECT" && !Array.prototype.some.call(el.options, (o) => o.value === value)) return false;
  el.value = value;
  el.dispatchEvent(new CustomEvent("lookup:set", { bubbles: false }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
  return true;
}

document.addEventListener("click", (e) => {
  const button = e.target.closest("button.lookup-search[data-dialog-url]");
  if (button) {
    e.preventDefault();
    const input = button.parentNode.querySelector("input[data-lookup], input[type=text]");
    openDialog(button.getAttribute("data-dialog-url"), input);
    return;
  }
  const label = e.target.closest("label[data-lookup-dialog-for]");
  if (label) {
    const input = document.getElementById(label.getAttribute("data-lookup-dialog-for"));
    const trigger = input && input.parentNode.querySelector("button.lookup-search[data-dialog-url]");
    if (trigger) { e.preventDefault(); openDialog(trigger.getAttribute("data-dialog-url"), input); }
    return;
  }
  const chosen = e.target.closest("#modal button.pick");
  if (chosen) pick(chosen);
});

// ---------------------------------------------------------------- wiring
export function enhanceLookups(root) {
  for (const el of root.querySelectorAll("select[data-lookup]:not([data-enhanced])")) {
    el.setAttribute("data-enhanced", "1");
    enhanceSelect(el);
  }
  for (const el of root.querySelectorAll("input[data-lookup]:not([data-enhanced])")) {
    el.setAttribute("data-enhanced", "1");
    enhanceInput(el);
  }
}
