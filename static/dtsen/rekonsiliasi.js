// Findings list: "select all on this page"; run page: ask before cancelling (no inline JS: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const semua = document.getElementById("pilih-semua");
  // Issue 15: a bulk re-assignment shows how many findings it will change before it runs.
  const jumlah = document.getElementById("jumlah-terpilih");
  const hitung = () => document.querySelectorAll(".pilih-temuan:checked").length;
  const perbarui = () => {
    if (jumlah) {
      jumlah.textContent = hitung();
    }
  };
  document.querySelectorAll(".pilih-temuan").forEach((box) => {
    box.addEventListener("change", perbarui);
  });
  if (semua) {
    semua.addEventListener("change", () => {
      document.querySelectorAll(".pilih-temuan").forEach((box) => {
        box.checked = semua.checked;
      });
      perbarui();
    });
  }
  const tugaskan = document.getElementById("form-tugaskan");
  if (tugaskan && jumlah) {
    tugaskan.addEventListener("submit", (event) => {
      if (!window.confirm(`Teruskan ${hitung()} temuan ke pendamping?`)) {
        event.preventDefault();
      }
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
