// Print buttons (no inline handlers): any element with data-cetak prints the page.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-cetak]")) {
    window.print();
  }
});
