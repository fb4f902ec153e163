// 未保存的内容: typing in a data-entry form (form[data-guard-unsaved]) marks it dirty; whatever would throw the
// typing away — a tab's ×, 新建, a link or button that replaces the page or the section holding the form, a
// reload — asks first. The form's own submit does not ask, and a successful one clears the mark. A form the
// server sends back still holding unsaved input (a refused 暂存) arrives marked (data-dirty).
const MESSAGE = "当前页面有尚未保存的内容（暂存或保存后才会保留），离开将丢失。确定离开吗？";

export function dirtyIn(root) {
  return !!(root && root.querySelector && root.querySelector("form[data-dirty]"));
}

export function confirmLeave(root) {
  return !dirtyIn(root) || window.confirm(MESSAGE);
}

function mark(e) {
  const el = e.target;
  const form = el.form || (el.closest && el.closest("form"));
  if (form && form.hasAttribute("data-guard-unsaved") && el.type !== "hidden") form.setAttribute("data-dirty", "1");
}

export function setupUnsavedGuard() {
  document.addEventListener("input", mark);
  document.addEventListener("change", mark);
  document.addEventListener("htmx:confirm", (e) => {
    const target = e.detail.target;
    const elt = e.detail.elt;
    if (!target || !target.querySelectorAll) return;
    const forms = Array.prototype.slice.call(target.querySelectorAll("form[data-dirty]"));
    if (target.matches && target.matches("form[data-dirty]")) forms.push(target);
    const lost = forms.filter((f) => f !== elt && !f.contains(elt));
    if (!lost.length) return;
    e.preventDefault();
    if (window.confirm(MESSAGE)) e.detail.issueRequest(true);
  });
  // Only the form's own submit saves: a request of a field or button inside it (the server's check of a field,
  // 生成) leaves the typing unsaved.
  document.addEventListener("htmx:afterRequest", (e) => {
    if (!e.detail.successful) return;
    const form = e.detail.elt;
    if (form && form.tagName === "FORM" && !(e.detail.requestConfig && e.detail.requestConfig.verb === "get")) {
      form.removeAttribute("data-dirty");
    }
  });
  window.addEventListener("beforeunload", (e) => {
    if (document.querySelector("form[data-dirty]")) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
}
