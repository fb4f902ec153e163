// A dialog over the page (弹框): the lookup query dialog and 打印 (请选择打印类型, then the preview).
// Its content is an htmx fragment loaded into #modal-content; the fragment's [data-title] names the dialog.
// Esc, × or a click beside it closes it and the keyboard goes back to what opened it.
import htmx from "../vendor/htmx.esm.min.js";

let opener = null;
let onClose = null;

export function openModal(url, from, options) {
  closeModal();
  const opts = options || {};
  opener = from || document.activeElement;
  onClose = opts.onClose || null;
  const overlay = document.createElement("div");
  overlay.className = "modal";
  overlay.id = "modal";
  overlay.innerHTML = '<div class="modal-box' + (opts.wide ? " wide" : "") + '" role="dialog" aria-modal="true" ' +
    'aria-labelledby="modal-title"><div class="modal-head"><span id="modal-title">' + (opts.title || "加载中…") +
    '</span><button type="button" class="modal-close" title="关闭" aria-label="关闭">×</button></div>' +
    '<div class="modal-content" id="modal-content" tabindex="-1">加载中…</div></div>';
  document.body.appendChild(overlay);
  overlay.querySelector(".modal-close").addEventListener("click", () => closeModal());
  overlay.addEventListener("mousedown", (e) => { if (e.target === overlay) closeModal(); });
  overlay.querySelector(".modal-close").focus();
  htmx.ajax("GET", url, { target: "#modal-content", swap: "innerHTML" });
  return overlay;
}

export function closeModal() {
  const overlay = document.getElementById("modal");
  if (!overlay) return;
  overlay.parentNode.removeChild(overlay);
  const back = opener;
  const done = onClose;
  opener = null;
  onClose = null;
  if (done) done();
  if (back && back.isConnected) back.focus();
}

export function modalOpen() {
  return !!document.getElementById("modal");
}

// The loaded content names the dialog and takes the keyboard (its search box, else its first control).
// (An outerHTML swap inside the dialog replaces its own target: remember before the swap where it happens.)
let swapInModal = false;
document.addEventListener("htmx:beforeSwap", (e) => {
  const modal = document.getElementById("modal");
  swapInModal = !!(modal && modal.contains(e.detail.target));
});
let focusPending = false;
document.addEventListener("htmx:afterSwap", () => {
  const modal = document.getElementById("modal");
  if (!modal || !swapInModal) return;
  swapInModal = false;
  focusPending = true;
  const named = modal.querySelector("#modal-content [data-title]");
  if (named) modal.querySelector("#modal-title").textContent = named.getAttribute("data-title");
});
// The keyboard goes in once htmx has made the new content live (after settling): Enter in the search box
// then searches in the dialog, never as a plain form.
document.addEventListener("htmx:afterSettle", () => {
  const modal = document.getElementById("modal");
  if (!modal || !focusPending) return;
  focusPending = false;
  const first = modal.querySelector("#modal-content input[name=q], #modal-content [autofocus]") ||
    modal.querySelector("#modal-content input:not([type=hidden]), #modal-content button, #modal-content a[href]");
  if (first) { first.focus(); if (first.select && first.name === "q") first.select(); }
});

// Tab stays inside the dialog.
document.addEventListener("keydown", (e) => {
  const modal = document.getElementById("modal");
  if (!modal) return;
  if (e.key === "Escape") { e.preventDefault(); closeModal(); return; }
  if (e.key !== "Tab") return;
  const items = Array.prototype.filter.call(
    modal.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, iframe, [tabindex='0']"),
    (el) => !el.disabled && el.offsetParent !== null);
  if (!items.length) return;
  const first = items[0];
  const last = items[items.length - 1];
  if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
});
