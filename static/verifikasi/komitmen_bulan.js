// Month view: a school child's attendance percentage decides the status (DOMAIN.md §4), so
// typing it selects patuh or tidak patuh against the threshold shown on the page.
document.addEventListener("input", function (event) {
  const input = event.target.closest("[data-persen]");
  if (!input) {
    return;
  }
  const form = input.closest("form");
  const batas = parseFloat(form.dataset.batas);
  const persen = parseFloat(input.value.replace(",", "."));
  if (Number.isNaN(persen)) {
    return;
  }
  const baris = input.closest(".baris-komitmen");
  const value = persen >= batas ? "patuh" : "tidak_patuh";
  const radio = baris.querySelector('input[type="radio"][value="' + value + '"]');
  if (radio) {
    radio.checked = true;
  }
});
