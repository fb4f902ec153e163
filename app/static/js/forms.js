// Keyboard rules for data-entry forms (class "form"), manual 第三篇 关于键盘操作:
// Enter moves to the next field and never submits by accident; in a multi-line field Enter also
// moves on and Ctrl+Enter starts a new line. Tab works as always. Grey read-only fields are skipped.

function focusables(form) {
  return Array.prototype.filter.call(form.querySelectorAll("input, select, textarea, button"), (el) =>
    !el.disabled && el.type !== "hidden" && !el.readOnly && !el.hidden && el.tabIndex >= 0 &&
    el.offsetParent !== null && !el.classList.contains("lookup-search"));
}

function moveOn(el) {
  const list = focusables(el.form);
  const next = list[list.indexOf(el) + 1];
  if (next) next.focus();
}

function newline(textarea) {
  const start = textarea.selectionStart;
  const end = textarea.selectionEnd;
  textarea.value = textarea.value.slice(0, start) + "\n" + textarea.value.slice(end);
  textarea.selectionStart = textarea.selectionEnd = start + 1;
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

export function setupKeyboard() {
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.defaultPrevented || e.isComposing) return;
    const el = e.target;
    if (!el.form || !el.form.classList.contains("form")) return;
    if (el.tagName === "TEXTAREA") {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) newline(el);
      else moveOn(el);
    } else if (el.tagName === "SELECT" || (el.tagName === "INPUT" && !/^(submit|button|reset|file|image)$/.test(el.type))) {
      e.preventDefault();
      moveOn(el);
    }
  });
}

// A long text's count under it follows the typing (the page renders it once; nothing is ever cut: past the limit
// it turns red, and 暂存 says so beside the field).
export function setupCharCounts() {
  document.addEventListener("input", (e) => {
    const el = e.target;
    const limit = el && el.getAttribute && Number(el.getAttribute("data-max-length"));
    if (!limit || !el.id) return;
    const count = document.querySelector('[data-count-for="' + el.id + '"]');
    if (!count) return;
    const n = el.value.length;
    count.textContent = n + " / " + limit + " 字符";
    count.className = "char-count" + (n > limit ? " over" : "");
  });
}
