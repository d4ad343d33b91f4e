// Family list: kelurahan choices that follow the kecamatan (kpm/_keluarga_results.html).
"use strict";

// A new kecamatan empties the kelurahan filter before htmx sends the form, so the request
// never pairs it with a kelurahan of the old one. Capture phase: this runs before htmx's own
// change listener on the select.
document.addEventListener(
  "change",
  (event) => {
    if (event.target.id !== "id_kecamatan") {
      return;
    }
    const kelurahan = document.getElementById("id_kelurahan");
    if (kelurahan) {
      kelurahan.value = "";
    }
  },
  true,
);

// The answer replaces the kelurahan options out of band; moving options between selects
// leaves Chromium's choice on the last one inserted, so select the one the server marked.
document.addEventListener("htmx:afterSwap", () => {
  const kelurahan = document.getElementById("id_kelurahan");
  if (!kelurahan) {
    return;
  }
  const chosen = kelurahan.querySelector("option[selected]");
  kelurahan.value = chosen ? chosen.value : "";
});
