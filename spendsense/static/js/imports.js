/* Imports: the progress bar of a file read or imported in the background, and the
   preview's count of ticked rows. The pages work without it (the progress page
   refreshes itself; the preview's boxes are plain checkboxes). */
(function () {
  "use strict";

  function poll(box) {
    const url = box.dataset.statusUrl;
    const bar = box.querySelector("[data-progress]");
    const stage = box.querySelector("[data-stage]");
    let delay = 400;
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then((status) => {
          bar.value = status.percent;
          bar.textContent = status.percent + "%";
          stage.textContent = status.stage + "…";
          if (status.state !== "working" && status.state !== "importing") {
            window.location.assign(status.next);
            return;
          }
          delay = Math.min(delay * 1.25, 2000);
          window.setTimeout(tick, delay);
        })
        .catch(() => { window.setTimeout(tick, 2000); });
    }
    tick();
  }

  function countTicked(form) {
    const out = form.querySelector("[data-ticked]");
    if (!out) return;
    const update = () => {
      const ticked = form.querySelectorAll('input[name="import"]:checked').length;
      out.textContent = ticked.toLocaleString("en");
      const word = form.querySelector("[data-rows-word]");
      if (word) word.textContent = ticked === 1 ? "row" : "rows";
      form.querySelectorAll(".preview-row").forEach((row) => {
        row.classList.toggle("is-left-out", !row.querySelector('input[name="import"]').checked);
      });
    };
    form.addEventListener("change", update);
    update();
  }

  const box = document.getElementById("import-progress");
  if (box) poll(box);
  const preview = document.getElementById("preview-form");
  if (preview) countTicked(preview);
})();
