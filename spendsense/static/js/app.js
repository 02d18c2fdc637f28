/* SpendSense: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const root = document.documentElement;

  /* Theme: a cookie, so the server renders the chosen theme on the next page. */
  function currentTheme() {
    if (root.dataset.theme) return root.dataset.theme;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function setTheme(theme) {
    root.dataset.theme = theme;
    document.cookie = "theme=" + theme + "; path=/; max-age=31536000; SameSite=Lax";
    window.dispatchEvent(new CustomEvent("themechange"));
  }

  /* Dialogs and the quick-entry dialog's tabs. */
  function showTab(dialog, name) {
    $$("[data-tab]", dialog).forEach((tab) => tab.setAttribute("aria-selected", String(tab.dataset.tab === name)));
    $$("[data-panel]", dialog).forEach((panel) => { panel.hidden = panel.dataset.panel !== name; });
  }
  function openEntry(kind) {
    const dialog = $("#entry-dialog");
    if (!dialog) return;
    showTab(dialog, kind === "transfer" ? "transfer" : "entry");
    if (kind !== "transfer") {
      const radio = $('input[name="kind"][value="' + kind + '"]', dialog);
      if (radio) { radio.checked = true; filterCategories(dialog); }
    }
    dialog.showModal();
    const first = $(kind === "transfer" ? "#transfer-form input[name=amount]" : "#entry-form input[name=amount]", dialog);
    if (first) first.focus();
  }

  /* Category chips follow the chosen type (expense or income). */
  function filterCategories(scope) {
    const checked = $('input[name="kind"]:checked', scope);
    if (!checked) return;
    $$("[data-category-picker] .emoji-chip", scope).forEach((chip) => {
      // A category taking refunds (or deductions) is offered for the other type too.
      const hide = chip.dataset.kind !== checked.value && chip.dataset.also !== checked.value;
      chip.hidden = hide;
      if (hide) $("input", chip).checked = false;
    });
  }

  function copyFrom(selector, button) {
    const input = $(selector);
    if (!input) return;
    const done = () => { button.textContent = "Copied ✓"; setTimeout(() => { button.textContent = "Copy"; }, 2000); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, () => { input.select(); document.execCommand("copy"); done(); });
    } else { input.select(); document.execCommand("copy"); done(); }
  }

  function usernameCheck(input) {
    const hint = $("#username-hint");
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const value = input.value.trim();
      if (!value) { hint.textContent = ""; return; }
      timer = setTimeout(() => {
        fetch(input.dataset.usernameCheck + "?username=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
          .then((response) => response.json())
          .then((data) => { hint.textContent = data.message; hint.className = "hint " + (data.available ? "ok" : "bad"); })
          .catch(() => { hint.textContent = ""; });
      }, 250);
    });
  }

  /* Charts: data comes from #chart-data; colours from the theme's custom properties. */
  const PALETTE = ["#4f46e5", "#f59e0b", "#10b981", "#ef4444", "#06b6d4", "#8b5cf6", "#84cc16", "#ec4899", "#f97316", "#14b8a6", "#64748b", "#a855f7"];
  function cssVar(name) { return getComputedStyle(root).getPropertyValue(name).trim(); }
  function drawCharts() {
    const source = $("#chart-data");
    if (!source || !window.Chart) return;
    const specs = JSON.parse(source.textContent);
    const text = cssVar("--text"), muted = cssVar("--muted"), border = cssVar("--border");
    Chart.defaults.color = muted;
    Chart.defaults.borderColor = border;
    Chart.defaults.font.family = cssVar("--font");  // the page's own font
    $$("canvas[data-chart]").forEach((canvas) => {
      const spec = specs[canvas.dataset.chart];
      if (!spec) return;
      const existing = Chart.getChart(canvas);
      if (existing) existing.destroy();
      const round = spec.type === "doughnut";
      const datasets = spec.datasets.map((set, index) => {
        const colour = set.role === "in" ? cssVar("--in") : set.role === "out" ? cssVar("--out") : PALETTE[index % PALETTE.length];
        // One colour per category (pie, category bars), else one per series.
        const fill = round || (spec.type === "bar" && !set.role && !set.type) ? spec.labels.map((_l, i) => PALETTE[i % PALETTE.length]) : colour;
        return {
          label: set.label, type: set.type || undefined, data: set.data.map(Number),
          backgroundColor: fill,
          borderColor: round ? cssVar("--surface") : fill, borderWidth: set.type === "line" || spec.type === "line" ? 2 : 1,
          tension: 0, pointRadius: 2, fill: false,
        };
      });
      const money = new Intl.NumberFormat(undefined, { style: "currency", currency: spec.currency });
      const horizontal = canvas.dataset.chart.startsWith("category-bar");
      const valueAxis = { beginAtZero: spec.type !== "line", ticks: { callback: (value) => money.format(value) } };
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: {
            legend: { display: round || datasets.length > 1, labels: { color: text } },
            tooltip: { callbacks: { label: (ctx) => (ctx.dataset.label ? ctx.dataset.label + ": " : "") + money.format(round ? ctx.parsed : horizontal ? ctx.parsed.x : ctx.parsed.y) } },
          },
          scales: round ? {} : horizontal ? { x: valueAxis } : { y: valueAxis },
          indexAxis: horizontal ? "y" : "x",
        },
      });
    });
  }

  /* Phone: the menu scrolls sideways; show the current page's link, fade the cut edge. */
  function navScroller() {
    const nav = $(".topbar .nav");
    if (!nav) return;
    const mark = () => nav.classList.toggle("more", nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 2);
    const current = $('a[aria-current="page"]', nav);
    if (current && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft = current.offsetLeft - nav.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
    }
    mark();
    nav.addEventListener("scroll", mark, { passive: true });
    window.addEventListener("resize", mark);
  }

  document.addEventListener("DOMContentLoaded", () => {
    navScroller();
    const toggle = $("#theme-toggle");
    if (toggle) toggle.addEventListener("click", () => setTheme(currentTheme() === "dark" ? "light" : "dark"));

    document.addEventListener("click", (event) => {
      const opener = event.target.closest("[data-open-dialog]");
      if (opener) { const dialog = document.getElementById(opener.dataset.openDialog); if (dialog) dialog.showModal(); }
      const entry = event.target.closest("[data-open-entry]");
      if (entry) openEntry(entry.dataset.openEntry);
      const closer = event.target.closest("[data-close]");
      if (closer) closer.closest("dialog").close();
      const tab = event.target.closest("[data-tab]");
      if (tab) showTab(tab.closest("dialog"), tab.dataset.tab);
      const emoji = event.target.closest("[data-emoji]");
      if (emoji) {
        const picker = emoji.closest("[data-emoji-picker]");
        const input = document.getElementById(picker.dataset.target);
        input.value = emoji.dataset.emoji;
        input.dispatchEvent(new Event("input"));
        $$(".emoji-button", picker).forEach((b) => b.classList.toggle("selected", b === emoji));
      }
      const copy = event.target.closest("[data-copy]");
      if (copy) copyFrom(copy.dataset.copy, copy);
      const share = event.target.closest("[data-share]");
      if (share) {
        const input = $(share.dataset.share);
        navigator.share({ title: share.dataset.shareTitle || document.title, url: input.value }).catch(() => {});
      }
    });

    if (navigator.share) $$("[data-share]").forEach((button) => { button.hidden = false; });

    $$("form").forEach((form) => {
      if ($('input[name="kind"]', form)) {
        filterCategories(form);
        $$('input[name="kind"]', form).forEach((radio) => radio.addEventListener("change", () => {
          filterCategories(form);
          const parents = $("select[data-parents]", form);
          if (parents) {
            const options = JSON.parse(parents.dataset.parents)[radio.value] || [];
            parents.innerHTML = "";
            options.forEach(([value, label]) => parents.add(new Option(label, value)));
          }
        }));
      }
    });
    $$("form[data-confirm]").forEach((form) => form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    }));

    const iconInput = $("[data-emoji-picker]") && document.getElementById($("[data-emoji-picker]").dataset.target);
    if (iconInput) iconInput.addEventListener("input", () => { $("#icon-preview").textContent = iconInput.value || "❓"; });

    const username = $("[data-username-check]");
    if (username) usernameCheck(username);

    const period = $("[data-period-select]");
    if (period) period.addEventListener("change", () => { $(".custom-range").hidden = period.value !== "custom"; });

    drawCharts();
    window.addEventListener("themechange", drawCharts);
  });
})();
