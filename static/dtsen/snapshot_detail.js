// Ask before the destructive actions of the snapshot page (no inline handlers: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const confirmations = {
    "/batalkan/": "Batalkan impor ini? Baris yang sudah dimuat dihapus.",
  };
  document.querySelectorAll("form[action]").forEach((form) => {
    const key = Object.keys(confirmations).find((part) => form.action.includes(part));
    if (!key) {
      return;
    }
    form.addEventListener("submit", (event) => {
      if (!window.confirm(confirmations[key])) {
        event.preventDefault();
      }
    });
  });
});
