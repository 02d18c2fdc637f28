/* The event form: a one-off has no interval or end date, and "only this one" keeps the
   repeat as it is, so those fields step back. The form works the same without this. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("event-form");
    if (!form) return;
    const repeat = form.querySelector("[name=repeat_type]");
    const fields = form.querySelector("[data-repeat-fields]");
    const follow = () => {
      const once = repeat.value === "once";
      ["repeat_interval", "end_date"].forEach((name) => {
        const input = form.querySelector("[name=" + name + "]");
        if (input) input.closest(".field").hidden = once;
      });
      const chosen = form.querySelector("[name=behaviour]:checked");
      fields.classList.toggle("kept", Boolean(chosen && chosen.value === "one"));
    };
    repeat.addEventListener("change", follow);
    form.querySelectorAll("[name=behaviour]").forEach((radio) => radio.addEventListener("change", follow));
    follow();
  });
})();
