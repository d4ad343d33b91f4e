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
