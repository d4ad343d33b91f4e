// Meeting form: when a photo is chosen, record where the phone is (SIKS-NG asks for a
// geotagged photo). Optional: without permission or GPS the photo is saved without a location.
(function () {
  "use strict";
  var form = document.querySelector("[data-foto-form]");
  if (!form || !navigator.geolocation) {
    return;
  }
  var input = form.querySelector("input[type=file][name=foto]");
  var lat = form.querySelector("input[name=foto_lat]");
  var lng = form.querySelector("input[name=foto_lng]");
  var info = form.querySelector("[data-foto-lokasi]");
  if (!input || !lat || !lng) {
    return;
  }
  input.addEventListener("change", function () {
    if (!input.files || !input.files.length) {
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        if (info) {
          info.textContent = "Lokasi foto: " + lat.value + ", " + lng.value + ".";
        }
      },
      function () {
        if (info) {
          info.textContent = "Lokasi tidak tersedia; foto disimpan tanpa lokasi.";
        }
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
