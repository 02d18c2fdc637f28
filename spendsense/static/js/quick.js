// Live preview of the dashboard's quick entry: asks /quick/preview (the same parser as
// recording) what the line will store, and shows it before saving. Text only, no HTML.
(function () {
  "use strict";
  const form = document.getElementById("quick-entry");
  if (!form) return;
  const input = form.querySelector("[name=q]");
  const select = form.querySelector("[name=category_id]");
  const out = document.getElementById("quick-preview");
  let timer = null;
  let asked = 0;

  function part(text, className) {
    const span = document.createElement("span");
    span.textContent = text;
    if (className) span.className = className;
    out.appendChild(span);
    return span;
  }

  function showCategories(direction) {
    for (const option of select.options) {
      if (!option.value) continue;
      option.hidden = option.dataset.kind !== direction;
      if (option.hidden && option.selected) select.value = "";
    }
  }

  function render(data) {
    out.replaceChildren();
    out.hidden = false;
    if (!data.ok) {
      part("Nothing will be recorded: " + data.error, "q-error").dataset.field = data.field || "";
      return;
    }
    const p = data.preview;
    const sign = p.direction === "spent" ? "−" : "+";
    part(sign + p.display, "q-amount " + (p.direction === "spent" ? "out" : "in")).dataset.previewAmount = p.amount;
    if (p.conversion) part("(" + p.conversion.from + " at " + p.conversion.rate + ", ECB " + p.conversion.rate_date + ")", "q-note");
    const chosen = select.selectedOptions[0];
    const category = chosen && chosen.value ? chosen.textContent : (p.category ? p.category.icon + " " + p.category.name : "Uncategorised");
    part(category, "q-category").title = chosen && chosen.value ? "chosen by you" : p.matched;
    part(p.date, "q-date");
    if (p.type) part(p.type, "q-type");
    if (p.notes) part(p.notes, "q-notes");
    for (const label of p.labels) part("#" + label, "label");
    part("→ " + p.account + (p.new_account ? " (new)" : "") + " · " + p.report, "q-note");
    showCategories(p.direction);
  }

  async function update() {
    const text = input.value.trim();
    if (!text) { out.hidden = true; return; }
    const mine = ++asked;
    try {
      const response = await fetch(form.dataset.previewUrl + "?q=" + encodeURIComponent(text),
        { headers: { Accept: "application/json" }, credentials: "same-origin" });
      const data = await response.json();
      if (mine === asked) render(data);
    } catch (error) {
      if (mine === asked) render({ ok: false, error: "the preview is not available right now." });
    }
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 200); });
  select.addEventListener("change", update);
  if (input.value.trim()) update();
})();
