import { openDialog, setField } from "./lookup.js";

// The certificate page: 基本信息 / 货物信息 / 日本进料信息 tabs, 非货物项 greying the row, N/M, 生产商保密, the
// 是/否 guidance, and error links that open the right tab and focus the field. Several certificates can be open
// in the shell's tabs: every id on a certificate page carries its prefix, and everything here works within the
// `.certificate` it happens in. Without this script all sections show, one after the other.

function showTab(root, name) {
  for (const panel of root.querySelectorAll(".cert-panel")) {
    panel.classList.toggle("tab-hidden", panel.getAttribute("data-panel") !== name);
  }
  for (const tab of root.querySelectorAll(".cert-tabs [data-cert-tab]")) {
    const on = tab.getAttribute("data-cert-tab") === name;
    tab.classList.toggle("active", on);
    if (on) tab.setAttribute("aria-current", "true"); else tab.removeAttribute("aria-current");
  }
}

function focusField(id) {
  const el = document.getElementById(id);
  if (!el) return;
  el.focus();
  if (el.select && el.type !== "checkbox" && el.tagName !== "SELECT") el.select();
}

// 非货物项: every field but the description goes grey and is ignored.
function applyNonGoods(form) {
  const box = form.querySelector("input[name=non_goods]");
  if (!box) return;
  for (const el of form.querySelectorAll("input, select, textarea")) {
    if (el === box || el.type === "hidden" || el.name === "description" || el.name === "_field") continue;
    el.disabled = box.checked;
  }
  for (const b of form.querySelectorAll(".lookup-toggle, .lookup-search")) b.disabled = box.checked;
}

// A page just arrived: show the tab holding the first error (else the one the address names), and put the
// keyboard on the field the server marked with autofocus (it may sit in a tab that was hidden).
function enhancePage(root) {
  root.setAttribute("data-enhanced", "1");
  const firstError = root.querySelector(".error-summary [data-cert-tab]");
  const hash = location.hash.replace("#", "");
  const named = hash && root.querySelector(".cert-panel[id='" + hash + "']");
  showTab(root, firstError ? firstError.getAttribute("data-cert-tab") :
    named ? named.getAttribute("data-panel") : "basic");
  const focused = root.querySelector(".cert-panel:not(.tab-hidden) [autofocus]");
  if (focused) focusField(focused.id);
}

export function enhanceCertificate(el) {
  if (!el.querySelectorAll) return;
  const roots = el.classList && el.classList.contains("certificate") ? [el] : el.querySelectorAll(".certificate");
  for (const root of roots) if (!root.hasAttribute("data-enhanced")) enhancePage(root);
  const editors = el.classList && el.classList.contains("goods-editor") ? [el] : el.querySelectorAll(".goods-editor");
  for (const editor of editors) applyNonGoods(editor);
  for (const select of el.querySelectorAll("select[data-guide]")) syncGuide(select);
  // A row editor that came back with errors (or was opened from an error link): to its first bad field.
  const bad = el.closest && el.closest(".rows") ? el.querySelector("[autofocus]") : null;
  if (bad) focusField(bad.id);
}

document.addEventListener("click", (e) => {
  const link = e.target.closest("[data-cert-tab]");
  if (link) {
    const root = link.closest(".certificate");
    if (!root) return;
    e.preventDefault();
    showTab(root, link.getAttribute("data-cert-tab"));
    const field = link.getAttribute("data-focus");
    if (field) focusField(field);
    return;
  }
  const fill = e.target.closest("[data-fill]");
  if (fill) {
    const target = document.getElementById(fill.getAttribute("data-fill-target"));
    if (target) {
      target.value = fill.getAttribute("data-fill");
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
    }
  }
});

// 原产地标准辅助项: for GSP `W` the system fills the HS heading as XX.XX, read-only, following the HS code.
function syncAux(form) {
  const aux = form.querySelector("input[name=criterion_aux]");
  const criterion = form.querySelector("select[name=origin_criterion]");
  if (!aux || !criterion) return;
  const fromHs = (aux.getAttribute("data-from-hs") || "").split(" ").filter(Boolean);
  const filled = fromHs.indexOf(criterion.value) >= 0;
  const wasFilled = aux.readOnly;
  aux.readOnly = filled;
  aux.className = filled ? "readonly" : "";
  if (!filled && wasFilled) aux.value = "";
}

// The HS code or the criterion changed: the server fills 原产地标准辅助项 where the criterion takes it from the
// HS code (the rule is services.criterion_aux; the page holds no copy of it).
function refreshAux(form) {
  const aux = form.querySelector("input[name=criterion_aux]");
  const url = form.getAttribute("data-check-url");
  const criterion = form.querySelector("select[name=origin_criterion]");
  if (!aux || !criterion || !url || typeof htmx === "undefined") return;
  // only while the system fills it (read-only): a field the clerk types into is never replaced under the keyboard
  if ((aux.getAttribute("data-from-hs") || "").split(" ").indexOf(criterion.value) < 0 || !criterion.value) return;
  const box = aux.closest(".field");
  htmx.ajax("POST", url, {
    source: aux, target: box, swap: "outerHTML",
    values: { _check: "criterion_aux", _check_form: "goods" },
  });
}

// 日本进料信息 shows only while the destination is Japan; leaving Japan hides the rows and says they are kept.
function syncJapan(input) {
  const page = input.closest(".certificate");
  if (!page) return;
  const japan = /^JP\b/i.test((input.value || "").trim()) || /日本|japan/i.test(input.value || "");
  for (const el of page.querySelectorAll("[data-japan-only]")) el.hidden = !japan;
  const warning = page.querySelector("[id$='materials-hidden-warning']");
  if (!warning) return;
  const kept = page.querySelectorAll(".materials-table tbody tr[data-row-id]").length;
  const count = warning.querySelector(".materials-count");
  if (count) count.textContent = String(kept);
  warning.hidden = japan || kept === 0;
}

// 生产商保密: the form says at once what the certificate's producer box will show.
function syncConfidential(box) {
  const form = box.form;
  if (!form) return;
  for (const el of form.querySelectorAll("[data-confidential-preview]")) el.hidden = !box.checked;
  for (const el of form.querySelectorAll("[data-confidential-preview-off]")) el.hidden = box.checked;
}

const auxTimers = new WeakMap();
document.addEventListener("input", (e) => {
  const form = e.target.form;
  if (!form || !form.classList.contains("goods-editor")) return;
  if (e.target.name !== "hs_code" && e.target.name !== "origin_criterion") return;
  syncAux(form);
  clearTimeout(auxTimers.get(form)); // typing an HS code: ask once the clerk pauses
  auxTimers.set(form, setTimeout(() => refreshAux(form), 300));
});
document.addEventListener("change", (e) => {
  const t = e.target;
  if (t.name === "non_goods" && t.form) applyNonGoods(t.form);
  if (t.form && t.form.classList.contains("goods-editor")) {
    syncAux(t.form);
    if (t.name === "hs_code" || t.name === "origin_criterion") refreshAux(t.form);
  }
  if (t.name === "destination_country" || (t.id && /destination_country$/.test(t.id))) syncJapan(t);
  if (t.name === "producer_confidential") syncConfidential(t);
  if (t.matches && t.matches("select[data-guide]")) syncGuide(t);
});
document.addEventListener("lookup:chosen", (e) => {
  if (e.target.id && /destination_country$/.test(e.target.id)) syncJapan(e.target);
  if (e.target.name === "hs_code") {
    proposeUnit(e.target.form, e.detail && e.detail.unit);
    refreshAux(e.target.form);
  }
});

// An HS code chosen from the list: the tariff's first statistical unit goes into an empty 数量单位 (the server
// proposes it too when the row is saved without one).
function proposeUnit(form, unit) {
  const field = form && form.elements.quantity_unit;
  if (unit && field && !field.value) setField(field, unit);
}

// 标准详情: the chosen criterion's explanation, or the agreement's list when none is chosen yet.
document.addEventListener("click", (e) => {
  const link = e.target.closest("a.criterion-detail");
  if (!link) return;
  e.preventDefault();
  const select = link.closest("form").querySelector("select[name=origin_criterion]");
  const code = select && select.value;
  const url = code ? link.getAttribute("data-detail-url") + "?code=" + encodeURIComponent(code) +
    "&category=" + encodeURIComponent(link.getAttribute("data-category")) : link.getAttribute("data-list-url");
  openDialog(url, null);
});

// 是否展览证书 / 是否第三方发票 = 是: show the manual's guidance and mark the fields it points to (in this form only).
function syncGuide(select) {
  const box = document.getElementById("guide-" + select.id);
  if (!box || box.closest("form") !== select.form) return;
  const yes = select.value === "1";
  box.hidden = !yes;
  for (const name of (box.getAttribute("data-guide-fields") || "").split(" ").filter(Boolean)) {
    const field = select.form.querySelector(".field[data-field='" + name + "']");
    if (field) field.classList.toggle("guided", yes);
  }
}

// A checked field comes back from the server: not while the clerk is back in it (the answer would replace the
// input under the keyboard and drop what was typed since); the next change asks again.
document.addEventListener("htmx:beforeSwap", (e) => {
  const path = (e.detail.pathInfo && e.detail.pathInfo.requestPath) || "";
  const target = e.detail.target;
  const active = document.activeElement;
  if (path.indexOf("/check-field") >= 0 && target && active && target.contains(active)) e.detail.shouldSwap = false;
});
