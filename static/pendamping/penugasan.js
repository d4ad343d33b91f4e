// Assignment page: "tick all" box, and ticking a family switches to "only the ticked ones".
document.addEventListener("change", (event) => {
  const target = event.target;
  const boxes = document.querySelectorAll('input[name="keluarga"]');
  if (target.matches("[data-pilih-semua]")) {
    boxes.forEach((box) => {
      box.checked = target.checked;
    });
  }
  if (target.matches('input[name="keluarga"]') || target.matches("[data-pilih-semua]")) {
    const terpilih = document.querySelector('input[name="cakupan"][value="terpilih"]');
    if (terpilih && Array.from(boxes).some((box) => box.checked)) {
      terpilih.checked = true;
    }
  }
});

// Issue 15: a bulk re-assignment says how many families it moves before it runs.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("[data-jumlah-semua]");
  if (!button) {
    return;
  }
  const terpilih = event.target.querySelector('input[name="cakupan"][value="terpilih"]');
  const jumlah =
    terpilih && terpilih.checked
      ? event.target.querySelectorAll('input[name="keluarga"]:checked').length
      : Number(button.dataset.jumlahSemua);
  if (!window.confirm(`Tugaskan ${jumlah.toLocaleString("id-ID")} keluarga ke pendamping ini?`)) {
    event.preventDefault();
  }
});
