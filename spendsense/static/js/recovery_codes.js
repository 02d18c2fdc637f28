// The recovery codes page (templates/auth/two_factor_codes.html): Print, and Download
// as text (a file made here from the codes on the page: they never travel again). A
// static file: the CSP allows no inline script.
(function () {
  "use strict";
  const section = document.getElementById("recovery-codes");
  if (!section) return;

  document.getElementById("recovery-print").addEventListener("click", () => window.print());

  const download = document.getElementById("recovery-download");
  download.addEventListener("click", () => {
    const codes = Array.from(section.querySelectorAll(".recovery-codes li"), (item) => item.textContent.trim());
    const text = [
      `SpendSense recovery codes for ${section.dataset.account} (${section.dataset.site}), made ${section.dataset.made}`,
      "Each code logs you in once instead of a code from your authenticator app.",
      "",
      ...codes,
      "",
    ].join("\n");
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = download.dataset.filename;
    document.body.append(link);
    link.click();
    link.remove();
    // The click has started the download; the file's URL is not needed after.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  });
})();
