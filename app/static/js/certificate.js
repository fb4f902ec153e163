import { openDialog } from "./lookup.js";

// The certificate page: 基本信息 / 货物信息 tabs, 非货物项 greying the row, N/M, and problem links
// that open the right tab and focus the field. Without this script both sections show, one after the other.

function showTab(root, name) {
  for (const panel of root.querySelectorAll(".cert-panel")) panel.hidden = panel.getAttribute("data-panel") !== name;
  for (const tab of root.querySelectorAll(".cert-tabs [data-cert-tab]")) {
    tab.className = tab.getAttribute("data-cert-tab") === name ? "active" : "";
  }
}

function focusField(name) {
  const el = document.getElementById(name);
  if (el) { el.focus(); if (el.select && el.type !== "checkbox") el.select(); }
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

export function enhanceCertificate(el) {
  const root = el.querySelector ? (el.id === "certificate" ? el : el.querySelector("#certificate")) : null;
  if (root && !root.hasAttribute("data-enhanced")) {
    root.setAttribute("data-enhanced", "1");
    const wanted = location.hash === "#goods-section" ? "goods" : "basic";
    showTab(root, root.querySelector("#declare-problems [data-cert-tab]") ? root.querySelector(
      "#declare-problems [data-cert-tab]").getAttribute("data-cert-tab") : wanted);
  }
  const editors = el.classList && el.classList.contains("goods-editor") ? [el]
    : (el.querySelectorAll ? el.querySelectorAll(".goods-editor") : []);
  for (const editor of editors) applyNonGoods(editor);
}

document.addEventListener("click", (e) => {
  const link = e.target.closest("[data-cert-tab]");
  if (link) {
    const root = link.closest("#certificate");
    if (!root) return;
    showTab(root, link.getAttribute("data-cert-tab"));
    if (!link.hasAttribute("hx-get")) {
      e.preventDefault();
      const field = link.getAttribute("data-focus");
      if (field) focusField(field);
    }
    return;
  }
  const fill = e.target.closest("[data-fill]");
  if (fill) {
    const target = document.getElementById(fill.getAttribute("data-fill-target"));
    if (target) { target.value = fill.getAttribute("data-fill"); target.focus(); }
  }
});

document.addEventListener("change", (e) => {
  if (e.target.name === "non_goods" && e.target.form) applyNonGoods(e.target.form);
});

// A problem link that loaded a goods row: focus the field it names once the row is in place.
document.addEventListener("htmx:afterSwap", (e) => {
  const trigger = e.detail.requestConfig && e.detail.requestConfig.elt;
  const field = trigger && trigger.getAttribute && trigger.getAttribute("data-focus");
  if (field && trigger.closest && trigger.closest("#declare-problems")) focusField(field);
});

// A goods row was added: empty the editor back to its starting values for the next row.
document.addEventListener("goods-added", (e) => {
  const form = e.target.closest ? e.target.closest("form.goods-editor") : null;
  if (!form) return;
  form.reset();
  applyNonGoods(form);
  const first = form.querySelector("input[name=hs_code]");
  if (first) first.focus();
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
  if (filled) {
    const hs = ((form.querySelector("input[name=hs_code]") || {}).value || "").replace(/[^0-9]/g, "");
    aux.value = hs.length >= 4 ? hs.slice(0, 2) + "." + hs.slice(2, 4) : "";
  } else if (wasFilled) {
    aux.value = "";
  }
}

// 日本进料信息 shows only while the destination is Japan; leaving Japan hides the rows and says they are kept.
function syncJapan(input) {
  const page = input.closest(".certificate") || document;
  const japan = /^JP\b/i.test((input.value || "").trim()) || /日本|japan/i.test(input.value || "");
  for (const el of page.querySelectorAll("[data-japan-only]")) el.hidden = !japan;
  const warning = page.querySelector("#materials-hidden-warning");
  if (!warning) return;
  const kept = page.querySelectorAll(".materials tbody tr[id^=material-]").length;
  const count = warning.querySelector(".materials-count");
  if (count) count.textContent = String(kept);
  warning.hidden = japan || kept === 0;
}

document.addEventListener("input", (e) => {
  if (e.target.form && e.target.form.classList.contains("goods-editor") &&
      (e.target.name === "hs_code" || e.target.name === "origin_criterion")) syncAux(e.target.form);
});
document.addEventListener("change", (e) => {
  if (e.target.form && e.target.form.classList.contains("goods-editor")) syncAux(e.target.form);
  if (e.target.id === "destination_country") syncJapan(e.target);
});
document.addEventListener("lookup:chosen", (e) => {
  if (e.target.id === "destination_country") syncJapan(e.target);
});

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

// 是否展览证书 / 是否第三方发票 = 是: show the manual's guidance and mark the fields it points to.
function syncGuide(select) {
  const box = document.getElementById("guide-" + select.id);
  if (!box || !box.closest("form") || box.closest("form") !== select.form) return;
  const yes = select.value === "1";
  box.hidden = !yes;
  for (const name of (box.getAttribute("data-guide-fields") || "").split(" ").filter(Boolean)) {
    const field = select.form.querySelector("#field-" + name);
    if (field) field.classList.toggle("guided", yes);
  }
}
function syncGuides(root) {
  for (const select of root.querySelectorAll("select[data-guide]")) syncGuide(select);
}
document.addEventListener("change", (e) => {
  if (e.target.matches && e.target.matches("select[data-guide]")) syncGuide(e.target);
});
document.addEventListener("htmx:afterSettle", (e) => syncGuides(e.target));
syncGuides(document);
