/* The forecast page: one Chart.js line per account of its balance day by day, the low
   point marked. Data comes from #forecast-data (amounts as exact decimal strings);
   colours from the theme's custom properties, redrawn when the theme changes.
   The table under each chart carries the same figures without this file. */
(function () {
  "use strict";
  const PALETTE = ["#4f46e5", "#f59e0b", "#10b981", "#06b6d4", "#8b5cf6", "#84cc16", "#ec4899", "#f97316", "#14b8a6", "#64748b"];
  const root = document.documentElement;
  const cssVar = (name) => getComputedStyle(root).getPropertyValue(name).trim();

  function monthTick(labels, locale) {
    const names = new Intl.DateTimeFormat(locale, { month: "short", timeZone: "UTC" });
    const withYear = new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" });
    // One label a month, on its first day; every third month on a narrow chart. The
    // first label and January's carry the year: twelve months from December start and
    // end on a "Dec".
    return function (_value, index) {
      const label = labels[index];
      if (!label || !label.endsWith("-01")) return null;
      const every = this.chart.width < 560 ? 3 : 1;
      if (Number(label.slice(5, 7)) % every !== 1 % every) return null;
      const day = new Date(label + "T00:00:00Z");
      const first = labels.findIndex((l) => l.endsWith("-01")) === index;
      return (first || label.slice(5, 7) === "01" ? withYear : names).format(day);
    };
  }

  function draw() {
    const source = document.getElementById("forecast-data");
    if (!source || !window.Chart) return;
    const charts = JSON.parse(source.textContent);
    const locale = document.documentElement.lang || undefined;
    Chart.defaults.color = cssVar("--muted");
    Chart.defaults.borderColor = cssVar("--border");
    Chart.defaults.font.family = cssVar("--font");
    const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    document.querySelectorAll("canvas[data-forecast]").forEach((canvas) => {
      const spec = charts[canvas.dataset.forecast];
      if (!spec) return;
      const existing = Chart.getChart(canvas);
      if (existing) existing.destroy();
      const money = new Intl.NumberFormat(locale, { style: "currency", currency: spec.currency });
      // The axis in whole units (its steps are round); the tooltip keeps the cents.
      const axisMoney = new Intl.NumberFormat(locale, { style: "currency", currency: spec.currency,
                                                 minimumFractionDigits: 0, maximumFractionDigits: 0 });
      const datasets = [];
      spec.accounts.forEach((account, index) => {
        const colour = PALETTE[index % PALETTE.length];
        datasets.push({ label: account.name, data: account.data.map(Number), borderColor: colour, backgroundColor: colour,
                        borderWidth: 2, pointRadius: 0, pointHitRadius: 6, tension: 0, fill: false });
        if (account.low !== null) {
          // The low point: one marked point on the same axis, in the "money out" colour.
          const low = spec.labels.map((_l, i) => (i === account.low ? Number(account.data[i]) : null));
          datasets.push({ label: "Lowest: " + account.name, data: low, low: true, showLine: false,
                          pointRadius: 6, pointHoverRadius: 8, pointStyle: "triangle", rotation: 180,
                          borderColor: cssVar("--out"), backgroundColor: cssVar("--out") });
        }
      });
      new Chart(canvas, {
        type: "line",
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: {
            legend: { labels: { color: cssVar("--text"), filter: (item, data) => !data.datasets[item.datasetIndex].low } },
            tooltip: {
              filter: (item) => item.raw !== null,
              callbacks: {
                title: (items) => items.length ? day.format(new Date(spec.labels[items[0].dataIndex] + "T00:00:00Z")) : "",
                label: (ctx) => ctx.dataset.label + ": " + money.format(ctx.parsed.y),
              },
            },
          },
          scales: {
            x: { ticks: { autoSkip: false, maxRotation: 0, callback: monthTick(spec.labels, locale) }, grid: { display: false } },
            y: { ticks: { callback: (value) => (Number.isInteger(value) ? axisMoney : money).format(value) } },
          },
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("themechange", draw);
})();
