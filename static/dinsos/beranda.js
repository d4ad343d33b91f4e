// Beranda: lines whose count lives on this phone, not on the server (ItemBeranda.kunci_lokal),
// e.g. P2K2 attendance saved offline and not yet sent. The line shows only when the JSON
// array under its localStorage key holds something.
(function () {
  "use strict";
  document.querySelectorAll("[data-kunci-lokal]").forEach(function (item) {
    var jumlah = 0;
    try {
      var isi = JSON.parse(window.localStorage.getItem(item.dataset.kunciLokal) || "[]");
      jumlah = Array.isArray(isi) ? isi.length : 0;
    } catch (e) {
      jumlah = 0;
    }
    if (jumlah > 0) {
      item.querySelector("[data-angka]").textContent = String(jumlah);
      item.hidden = false;
    }
  });
})();
