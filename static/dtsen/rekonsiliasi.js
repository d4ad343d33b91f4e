// Findings list: "select all on this page"; run page: ask before cancelling (no inline JS: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const semua = document.getElementById("pilih-semua");
  if (semua) {
    semua.addEventListener("change", () => {
      document.querySelectorAll(".pilih-temuan").forEach((box) => {
        box.checked = semua.checked;
      });
    });
  }
  document.querySelectorAll("form[data-konfirmasi]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.konfirmasi)) {
        event.preventDefault();
      }
    });
  });
});
