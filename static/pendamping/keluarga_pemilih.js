// The record forms' family picker (templates/pendamping/_keluarga_pemilih.html).
// Without this script the form keeps its plain select of the user's own families.
"use strict";

function pasangPemilih(wadah) {
  const select = wadah.querySelector("select");
  const cari = wadah.querySelector(".pemilih-cari");
  const input = wadah.querySelector("input[type=search]");
  const hasil = wadah.querySelector("#hasil-keluarga");
  const label = wadah.querySelector("label");
  const nilai = document.createElement("input");
  nilai.type = "hidden";
  nilai.name = select.name;
  nilai.value = select.value;
  // A disabled select is not sent: the hidden field carries the choice instead.
  select.disabled = true;
  select.hidden = true;
  wadah.append(nilai);
  label.htmlFor = input.id;
  if (select.value) {
    input.value = select.options[select.selectedIndex].text;
  }
  cari.hidden = false;

  // Enter in the box must not save the record before a family is tapped.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
    }
  });
  // Typing again drops the earlier choice, so a stale family is never saved.
  input.addEventListener("input", () => {
    nilai.value = "";
  });
  hasil.addEventListener("click", (event) => {
    const pilihan = event.target.closest("[data-keluarga]");
    if (!pilihan) {
      return;
    }
    nilai.value = pilihan.dataset.keluarga;
    input.value = pilihan.dataset.label;
    hasil.replaceChildren();
    input.focus();
  });
}

document.querySelectorAll("[data-pemilih-keluarga]").forEach(pasangPemilih);
