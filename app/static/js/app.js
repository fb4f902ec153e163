// 原产地证申报系统 — progressive enhancement for the shell.
// Loaded as a module: IE and old browsers skip it and keep plain links and forms, which work alone.
import htmx from "../vendor/htmx.esm.min.js";
import { setupCharCounts, setupKeyboard } from "./forms.js";
import { enhanceCertificate } from "./certificate.js";
import { enhanceLookups } from "./lookup.js";
import { openModal } from "./modal.js";
import { confirmLeave, dirtyIn, setupUnsavedGuard } from "./unsaved.js";

window.htmx = htmx;
document.documentElement.classList.add("js");

const STORE_KEY = "co.tabs";
const HOME_KEY = "/";

function pathOf(url) {
  const a = document.createElement("a");
  a.href = url;
  return a.pathname + a.search;
}

function keyOf(url) {
  const a = document.createElement("a");
  a.href = url;
  return a.pathname;
}

// A tab's key: one tab per key. Pages of one certificate (entry, detail, delete) share "cert-<id>";
// other pages are keyed by their path.
function pageKey(pane, url) {
  const page = pane && pane.querySelector(".page");
  const key = page && page.getAttribute("data-tab-key");
  return key || keyOf(url);
}

// The key of a page still in transit (its HTML and the address it came from).
function responseKey(html, url) {
  const match = /class="page"[^>]*data-tab-key="([^"]+)"/.exec(html || "");
  return match ? match[1] : keyOf(url);
}

// ---------------------------------------------------------------- 页签 (tabs)
// Each tab owns a pane: switching tabs only shows or hides panes, so unsaved input survives.
const tabs = {
  list: [],
  active: null,
  seq: 1,
  strip: null,
  panes: null,

  init() {
    const first = document.getElementById("pane-1");
    if (!first) return false;
    this.strip = document.getElementById("tabs");
    this.panes = document.getElementById("panes");
    const page = first.querySelector(".page");
    const isHome = first.getAttribute("data-home") === "1";
    const current = {
      id: "pane-1", key: isHome ? HOME_KEY : pageKey(first, first.getAttribute("data-url")),
      url: first.getAttribute("data-url"), title: isHome ? "首页" : (page && page.getAttribute("data-title")) || "",
      home: isHome, loaded: true,
    };
    this.enhance(first);
    if (!isHome) this.list.push(this.makeTab(HOME_KEY, "/", "首页", true));
    this.list.push(current);
    this.restore(current);
    this.activate(current);
    return true;
  },

  makeTab(key, url, title, home) {
    this.seq += 1;
    const pane = document.createElement("div");
    pane.id = "pane-" + this.seq;
    pane.className = "pane";
    this.panes.appendChild(pane);
    this.enhance(pane);
    return { id: pane.id, key, url, title, home: !!home, loaded: false };
  },

  // Links and forms inside a pane load into that pane (htmx boost), keeping the rest of the shell.
  enhance(pane) {
    pane.setAttribute("hx-boost", "true");
    pane.setAttribute("hx-target", "this");
    // A new page in a tab starts at the top of the window (htmx would scroll the pane's top under the header).
    pane.setAttribute("hx-swap", "innerHTML show:window:top");
    // The address bar follows the active tab through replaceState (syncLocation), never pushes:
    // Back must not reload the shell and throw away what other tabs hold.
    pane.setAttribute("hx-push-url", "false");
    htmx.process(pane);
  },

  find(pred) {
    for (let i = 0; i < this.list.length; i++) if (pred(this.list[i])) return this.list[i];
    return null;
  },

  // A menu item or a link marked data-tab-open: its own tab, reused when open (what it holds is kept).
  open(url, key) {
    key = key || keyOf(url);
    let tab = this.find((t) => t.key === key);
    if (!tab) {
      tab = this.makeTab(key, pathOf(url), "加载中…", key === HOME_KEY);
      this.list.push(tab);
    }
    this.activate(tab);
  },

  activate(tab) {
    this.active = tab;
    for (const t of this.list) {
      const pane = document.getElementById(t.id);
      if (pane) pane.className = t === tab ? "pane active" : "pane";
    }
    if (!tab.loaded) {
      tab.loaded = true;
      htmx.ajax("GET", tab.url, { target: "#" + tab.id, swap: "innerHTML" });
    }
    this.render();
    this.syncLocation();
    for (const a of document.querySelectorAll("#sidebar a[data-tab-open]")) {
      a.className = keyOf(a.getAttribute("href")) === tab.key ? "current" : "";
    }
  },

  remove(tab) {
    this.list.splice(this.list.indexOf(tab), 1);
    const pane = document.getElementById(tab.id);
    if (pane) pane.parentNode.removeChild(pane);
  },

  close(tab) {
    if (tab.home) return;
    if (!confirmLeave(document.getElementById(tab.id))) return;
    const index = this.list.indexOf(tab);
    this.remove(tab);
    if (this.active === tab) this.activate(this.list[Math.min(index, this.list.length - 1)]);
    else this.render();
  },

  // 关闭其他选项卡 (keepActive) / 关闭全部选项卡: remove first, then show one tab once.
  closeMany(keepActive) {
    const keep = keepActive ? this.active : null;
    const closing = this.list.filter((t) => !t.home && t !== keep);
    if (closing.some((t) => dirtyIn(document.getElementById(t.id))) &&
        !window.confirm("有页签中的内容尚未保存，关闭后将丢失。确定关闭吗？")) return;
    for (const t of this.list.slice()) {
      if (!t.home && t !== keep) this.remove(t);
    }
    this.activate(keep || this.find((t) => t.home) || this.list[0]);
  },

  ensureHome() {
    if (!this.find((t) => t.home)) this.list.unshift(this.makeTab(HOME_KEY, "/", "首页", true));
  },

  render() {
    const strip = this.strip;
    while (strip.firstChild) strip.removeChild(strip.firstChild);
    for (const t of this.list) {
      const li = document.createElement("li");
      li.className = "tab" + (t === this.active ? " active" : "");
      li.setAttribute("data-pane", t.id);
      const a = document.createElement("a");
      a.href = t.url;
      a.textContent = t.title || "…";
      a.addEventListener("click", (e) => { e.preventDefault(); this.activate(t); });
      li.appendChild(a);
      if (!t.home) {
        const x = document.createElement("button");
        x.type = "button";
        x.className = "tab-close";
        x.title = "关闭";
        x.setAttribute("aria-label", "关闭 " + t.title);
        x.textContent = "×";
        x.addEventListener("click", () => this.close(t));
        li.appendChild(x);
      }
      strip.appendChild(li);
    }
    this.reveal();
    this.save();
  },

  reveal() {
    const view = document.getElementById("tabs-viewport");
    const li = this.strip.querySelector(".tab.active");
    if (!view || !li) return;
    if (li.offsetLeft < view.scrollLeft) view.scrollLeft = li.offsetLeft;
    else if (li.offsetLeft + li.offsetWidth > view.scrollLeft + view.clientWidth)
      view.scrollLeft = li.offsetLeft + li.offsetWidth - view.clientWidth;
  },

  // A page finished loading into a pane: take its title, address and key. A tab that now shows what another
  // tab showed (the query list after a 删除, say) takes that tab's place: one tab per key.
  loaded(pane, xhr) {
    const tab = this.find((t) => t.id === pane.id);
    if (!tab) return;
    const page = pane.querySelector(".page");
    if (page && page.getAttribute("data-title")) tab.title = tab.home ? "首页" : page.getAttribute("data-title");
    if (xhr && xhr.responseURL) tab.url = pathOf(xhr.responseURL);
    if (!tab.home) {
      tab.key = pageKey(pane, tab.url);
      // After an action (a POST: 删除 came back to the list, say) this tab now shows what another tab showed:
      // it takes that tab's place, unless that tab holds unsaved typing the clerk wants to keep.
      const twin = this.find((t) => t !== tab && t.key === tab.key && !t.home);
      if (twin && confirmLeave(document.getElementById(twin.id))) this.remove(twin);
    }
    this.render();
    if (tab === this.active) this.syncLocation();
  },

  // The pane that should receive a page loaded from a list that keeps its place (证书查询): the page's own
  // tab, opened or reused, so that the list stays as it was.
  // Returns the pane, false when the clerk chose to keep what that tab holds, or null (no diversion).
  diverted(pane, html, url) {
    const page = pane.querySelector(".page[data-tab-keep='1']");
    const match = /class="page"[^>]*data-tab-key="([^"]+)"/.exec(html || "");
    if (!page || !match || match[1] === pageKey(pane, "")) return null;
    let tab = this.find((t) => t.key === match[1]);
    if (tab && !confirmLeave(document.getElementById(tab.id))) return false;
    if (!tab) {
      tab = this.makeTab(match[1], pathOf(url), "…", false);
      tab.loaded = true;
      this.list.push(tab);
    }
    this.activate(tab);
    return document.getElementById(tab.id);
  },

  // A link (a GET) that leads to what another tab already shows goes to that tab as the clerk left it
  // (返回证书查询 finds the list with its conditions; 新建 finds the unsaved new form) instead of loading it again.
  existing(pane, html, url) {
    const key = responseKey(html, url);
    const here = this.find((t) => t.id === pane.id);
    const tab = this.find((t) => t !== here && t.key === key);
    if (!here || !tab) return false;
    this.activate(tab);
    return true;
  },

  syncLocation() {
    const tab = this.active;
    if (!tab) return;
    document.title = (tab.title || "") + " - 原产地证申报系统";
    if (window.history && history.replaceState && pathOf(location.href) !== tab.url) {
      history.replaceState(null, "", tab.url);
    }
  },

  save() {
    try {
      const data = this.list.filter((t) => !t.home).map((t) => ({ key: t.key, url: t.url, title: t.title }));
      sessionStorage.setItem(STORE_KEY, JSON.stringify(data));
    } catch (e) { /* storage unavailable: tabs simply do not survive a reload */ }
  },

  // After a full reload, reopen the tabs of this browser tab (their content loads when shown).
  restore(current) {
    let saved = [];
    try { saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "[]"); } catch (e) { saved = []; }
    const ordered = [];
    for (const s of saved) {
      if (s.key === current.key) { ordered.push(current); continue; }
      if (s.key === HOME_KEY || !s.url) continue;
      const t = this.makeTab(s.key, s.url, s.title, false);
      ordered.push(t);
    }
    if (ordered.indexOf(current) < 0 && !current.home) ordered.push(current);
    this.list = this.list.filter((t) => t.home).concat(ordered);
    if (current.home && this.list.indexOf(current) < 0) this.list.unshift(current);
  },
};

// ---------------------------------------------------------------- shell behaviour
function onClickCapture(e) {
  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  const modal = e.target.closest("a[data-modal]");
  if (modal) {
    e.preventDefault();
    e.stopPropagation();
    openModal(modal.getAttribute("href"), modal, { wide: true, title: modal.textContent.trim() });
    return;
  }
  const link = e.target.closest("a[data-tab-open]");
  if (!link || !tabs.strip) return;
  e.preventDefault();
  e.stopPropagation();
  tabs.open(link.getAttribute("href"), link.getAttribute("data-tab-key"));
}

function onSubmitCapture(e) {
  const form = e.target;
  // A confirmation may sit on the form or on the button that submits it.
  const button = e.submitter;
  const message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    e.preventDefault();
    e.stopPropagation();
    return;
  }
  // 证书查询's 打印 on one ticked certificate: the print dialog over the list, as from the certificate page.
  const printUrl = button && button.getAttribute("data-modal-from-ticked");
  if (printUrl) {
    const ticked = form.querySelectorAll("input[name=ids]:checked");
    if (ticked.length === 1) {
      e.preventDefault();
      e.stopPropagation();
      openModal(printUrl.replace("{id}", ticked[0].value), button, { wide: true, title: "打印" });
    }
  }
}

function setupMenuToggle() {
  const form = document.getElementById("menu-toggle");
  if (!form) return;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const collapsed = document.body.classList.toggle("menu-collapsed");
    const data = new FormData(form);
    data.set("collapsed", collapsed ? "1" : "0");
    form.querySelector("[name=collapsed]").value = collapsed ? "0" : "1";
    const failed = () => showMessage("菜单状态未能保存，下次打开页面时可能恢复原状。");
    fetch(form.action, { method: "POST", body: data, headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then((response) => { updateCsrf(response.headers.get("X-CSRF-Token")); if (!response.ok) failed(); })
      .catch(failed);
  });
}

function setupTabMenu() {
  const button = document.getElementById("tab-menu-button");
  const menu = document.getElementById("tab-menu");
  if (!button || !menu) return;
  button.addEventListener("click", (e) => { e.stopPropagation(); menu.hidden = !menu.hidden; });
  document.addEventListener("click", () => { menu.hidden = true; });
  menu.addEventListener("click", (e) => {
    const item = e.target.closest("[data-close-tabs]");
    if (!item) return;
    tabs.closeMany(item.getAttribute("data-close-tabs") === "others");
    menu.hidden = true;
  });
  for (const b of document.querySelectorAll(".tab-scroll")) {
    b.addEventListener("click", () => {
      document.getElementById("tabs-viewport").scrollLeft += 200 * Number(b.getAttribute("data-scroll"));
    });
  }
}

function showMessage(text) {
  let box = document.getElementById("js-message");
  if (!box) {
    box = document.createElement("div");
    box.id = "js-message";
    document.body.appendChild(box);
  }
  const item = document.createElement("div");
  item.className = "flash flash-error";
  item.setAttribute("role", "alert");
  item.textContent = text;
  item.addEventListener("click", () => item.parentNode && item.parentNode.removeChild(item));
  box.appendChild(item);
  setTimeout(() => item.parentNode && item.parentNode.removeChild(item), 8000);
}

function isPane(el) {
  return el && el.classList && el.classList.contains("pane");
}

// Loading a page into a tab that fails shows the error page in the tab. A failed submit never
// replaces the form: the user's input stays and a message says what happened.
document.addEventListener("htmx:beforeSwap", (e) => {
  const status = e.detail.xhr.status;
  const verb = e.detail.requestConfig && e.detail.requestConfig.verb;
  if (status >= 400 && verb === "get" && isPane(e.detail.target)) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
  if (status < 300 && isPane(e.detail.target) && e.detail.shouldSwap) {
    const html = e.detail.xhr.responseText;
    const url = e.detail.xhr.responseURL;
    const other = tabs.diverted(e.detail.target, html, url);
    if (other === false) e.detail.shouldSwap = false;
    else if (other) e.detail.target = other;
    else if (verb === "get" && tabs.existing(e.detail.target, html, url)) e.detail.shouldSwap = false;
  }
});

document.addEventListener("htmx:responseError", (e) => {
  const xhr = e.detail.xhr;
  const doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
  const text = doc.querySelector(".error-box p");
  const id = xhr.getResponseHeader("X-Request-ID");  // the 错误编号 a clerk quotes to the administrator
  showMessage((text ? text.textContent : "操作未能完成") + "（HTTP " + xhr.status + (id ? "，错误编号：" + id : "") + "）");
});

// Every htmx response carries the session's current CSRF token: keep the page's copies fresh.
function updateCsrf(token) {
  if (!token) return;
  let headers = {};
  try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }
  headers["X-CSRFToken"] = token;
  document.body.setAttribute("hx-headers", JSON.stringify(headers));
  for (const input of document.querySelectorAll("input[name=csrf_token]")) input.value = token;
}

document.addEventListener("htmx:afterRequest", (e) => {
  const xhr = e.detail.xhr;
  if (xhr) updateCsrf(xhr.getResponseHeader("X-CSRF-Token"));
});

document.addEventListener("htmx:sendError", () => showMessage("网络连接失败，请检查网络后重试；已填写的内容仍在页面上。"));

document.addEventListener("htmx:afterSwap", (e) => {
  if (isPane(e.detail.target)) tabs.loaded(e.detail.target, e.detail.xhr);
});

// The button that asked for a swap may have been replaced by it (a row's 上移 moves the row): the keyboard
// follows it to its new self, which keeps its id.
let lastTrigger = null;
document.addEventListener("htmx:beforeRequest", (e) => {
  const event = e.detail.requestConfig && e.detail.requestConfig.triggeringEvent;
  const el = (event && event.submitter) || e.detail.elt;
  lastTrigger = el && el.id ? el.id : null;
});
document.addEventListener("htmx:afterSettle", () => {
  if (!lastTrigger) return;
  const id = lastTrigger;
  lastTrigger = null;
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected) return;
  const again = document.getElementById(id);
  if (again) again.focus();
});

document.addEventListener("click", onClickCapture, true);
document.addEventListener("submit", onSubmitCapture, true);

function start() {
  // On the login page nobody is signed in: forget the previous user's tabs.
  if (document.getElementById("login-form")) {
    try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* nothing stored */ }
  }
  tabs.init();
  setupMenuToggle();
  setupTabMenu();
  setupKeyboard();
  setupCharCounts();
  setupUnsavedGuard();
  htmx.onLoad((el) => { enhanceLookups(el); enhanceCertificate(el); });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

export { tabs };

// 打印 on the preview page: print the PDF shown in the frame (the browser's own print dialog).
document.addEventListener("click", (e) => {
  const button = e.target.closest && e.target.closest("[data-print-frame]");
  if (!button) return;
  const frame = document.getElementById(button.getAttribute("data-print-frame"));
  try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch (err) { window.open(frame.src); }
});
