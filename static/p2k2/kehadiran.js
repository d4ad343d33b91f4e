// P2K2 attendance screen for phones with poor signal. Plain JavaScript, no framework.
//
// Every save is first written to the phone (localStorage "p2k2-antrian-v1") with its own
// submission id, then sent as JSON with the CSRF token. When the phone is offline or the
// request fails, the screen says "tersimpan di HP, belum terkirim" and the queue is sent
// again when the browser comes back online, when an attendance page opens, and every 30 s
// while something waits. The server answers a repeated submission id with its stored answer,
// so a retry or a double tap never duplicates anything. Each family's mark carries the
// version it started from; a mark another device changed differently comes back as a
// conflict and is shown under the family.
(function () {
  "use strict";

  var ANTRIAN = "p2k2-antrian-v1";
  var PERANGKAT = "p2k2-perangkat";
  var ULANG_MS = 30000;
  var LABEL = { hadir: "Hadir", izin: "Izin", sakit: "Sakit", alfa: "Alfa" };
  var FIELDS = [
    "materi", "topik", "nama_kegiatan", "tanggal", "jam_mulai", "jam_selesai",
    "tempat", "narasumber_1", "narasumber_2", "narasumber_3", "deskripsi",
  ];

  var form = document.getElementById("form-kehadiran");
  if (!form) {
    return;
  }
  var statusEl = document.getElementById("status-kirim");
  var tombol = document.getElementById("tombol-simpan");
  var ringkasanEl = document.getElementById("ringkasan");
  var isBaru = !form.dataset.pertemuan;
  var kunci = form.dataset.pertemuan || uuid4();
  var sedangKirim = false;

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 256).toString(16).slice(1);
    }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function baca() {
    try {
      var items = JSON.parse(window.localStorage.getItem(ANTRIAN) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return [];
    }
  }

  function tulis(items) {
    window.localStorage.setItem(ANTRIAN, JSON.stringify(items));
  }

  function hapus(id) {
    tulis(baca().filter(function (item) { return item.id !== id; }));
  }

  function perangkat() {
    var id = window.localStorage.getItem(PERANGKAT);
    if (!id) {
      id = uuid4();
      window.localStorage.setItem(PERANGKAT, id);
    }
    return id;
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.dataset.csrf;
  }

  function tampil(pesan, jenis) {
    statusEl.textContent = pesan;
    statusEl.className = "status-kirim small mb-1 status-" + jenis;
  }

  function tampilMenunggu() {
    var n = baca().length;
    if (n) {
      tampil(
        "Kehadiran tersimpan di HP, belum terkirim" + (n > 1 ? " (" + n + " kiriman)" : "") +
          ". Dikirim otomatis saat ada sinyal.",
        "menunggu"
      );
    }
  }

  // --- The rows ------------------------------------------------------------------
  // Give every family its own copy of the controls, starting from the recorded mark or,
  // for a family not recorded yet, hadir (everyone starts as hadir).
  function pasangKontrol() {
    var template = document.getElementById("kontrol-kpm");
    baris().forEach(function (li) {
      var id = li.dataset.keluarga;
      var nama = li.querySelector(".nama");
      var kontrol = template.content.cloneNode(true);
      var group = kontrol.querySelector(".pilih-status");
      group.setAttribute("aria-label", "Kehadiran " + (nama ? nama.textContent : ""));
      Array.prototype.forEach.call(group.querySelectorAll("input"), function (input) {
        input.name = "s" + id;
        input.id = "s" + id + "-" + input.value;
        input.nextElementSibling.htmlFor = input.id;
        input.checked = input.value === (li.dataset.status0 || "hadir");
      });
      var select = kontrol.querySelector("select");
      select.name = "p" + id;
      select.value = li.dataset.pemahaman0 || "";
      li.appendChild(kontrol);
    });
  }

  function baris() {
    return Array.prototype.slice.call(form.querySelectorAll("li.kpm"));
  }

  function nilai(li) {
    var id = li.dataset.keluarga;
    var checked = li.querySelector("input[name='s" + id + "']:checked");
    var select = li.querySelector("select[name='p" + id + "']");
    return { status: checked ? checked.value : "hadir", pemahaman: select ? select.value : "" };
  }

  function setNilai(li, status, pemahaman) {
    var id = li.dataset.keluarga;
    var radio = li.querySelector("input[name='s" + id + "'][value='" + status + "']");
    var select = li.querySelector("select[name='p" + id + "']");
    if (radio) {
      radio.checked = true;
    }
    if (select) {
      select.value = pemahaman || "";
    }
  }

  function hitung() {
    var jumlah = { hadir: 0, izin: 0, sakit: 0, alfa: 0 };
    baris().forEach(function (li) { jumlah[nilai(li).status] += 1; });
    ringkasanEl.textContent = Object.keys(jumlah).map(function (s) {
      return LABEL[s] + " " + jumlah[s];
    }).join(" · ");
  }

  // Rows to send: never recorded (version 0), or changed from what the server holds.
  function kumpulkan() {
    return baris().filter(function (li) {
      var v = nilai(li);
      return li.dataset.versi === "0" || v.status !== li.dataset.status0 ||
        v.pemahaman !== li.dataset.pemahaman0;
    }).map(function (li) {
      var v = nilai(li);
      return {
        keluarga_id: parseInt(li.dataset.keluarga, 10),
        status: v.status,
        pemahaman: v.pemahaman,
        versi: parseInt(li.dataset.versi, 10),
      };
    });
  }

  function dataPertemuan() {
    var data = { client_id: kunci };
    FIELDS.forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el && el.value !== undefined) {
        data[name] = el.value;
      }
    });
    return data;
  }

  function periksaPertemuan() {
    if (!isBaru) {
      return "";
    }
    var materi = form.elements.namedItem("materi");
    var topik = form.elements.namedItem("topik");
    var tanggal = form.elements.namedItem("tanggal");
    if (materi && !materi.value) {
      return "Pilih materi pertemuan dulu.";
    }
    if (materi && materi.value === "adaptif" && topik && !topik.value.trim()) {
      return "Tulis topik untuk pertemuan P2K2 Adaptif.";
    }
    if (tanggal && !tanggal.value) {
      return "Isi tanggal pertemuan.";
    }
    return "";
  }

  // --- Answers from the server ---------------------------------------------------------
  function terapkan(item, data) {
    if (item.kunci !== kunci) {
      return;
    }
    (data.hasil || []).forEach(function (row) {
      var li = form.querySelector("li.kpm[data-keluarga='" + row.keluarga_id + "']");
      if (!li) {
        return;
      }
      li.dataset.versi = String(row.versi);
      li.dataset.status0 = row.status;
      li.dataset.pemahaman0 = row.pemahaman;
      var note = li.querySelector(".catatan-konflik");
      if (row.hasil === "konflik") {
        setNilai(li, row.status, row.pemahaman);
        note.textContent = "Perangkat lain sudah mencatat " + LABEL[row.status] +
          "; kiriman ini " + LABEL[row.kiriman_status] +
          ". Pilih yang benar di halaman pertemuan.";
        note.hidden = false;
        li.classList.add("konflik");
      } else {
        note.hidden = true;
        li.classList.remove("konflik");
      }
    });
    isBaru = false;
    hitung();
  }

  function selesai(item, data) {
    hapus(item.id);
    terapkan(item, data);
    var sisa = baca().length;
    tampil(data.pesan + (sisa ? " Masih ada " + sisa + " kiriman menunggu." : ""), "berhasil");
    if (data.url && item.kunci === kunci) {
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = " Buka halaman pertemuan";
      statusEl.appendChild(link);
    }
  }

  // Resolves true to go on with the next queued item, false to stop (still no signal).
  function kirimSatu(item) {
    return window.fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrf(),
      },
      body: JSON.stringify(item.body),
    }).then(function (res) {
      if (res.ok) {
        return res.json().then(function (data) {
          selesai(item, data);
          return true;
        });
      }
      if (res.type === "opaqueredirect" || res.status === 403) {
        // Signed out or an expired page: keep the data, ask for a fresh page.
        tampil(
          "Kehadiran tersimpan di HP, belum terkirim: sesi berakhir. Masuk lagi lalu buka " +
            "halaman ini; data akan dikirim otomatis.",
          "menunggu"
        );
        return false;
      }
      if (res.status >= 400 && res.status < 500) {
        hapus(item.id);
        return res.json().then(function (data) {
          tampil("Tidak tersimpan: " + data.error, "gagal");
          return true;
        }, function () {
          tampil("Tidak tersimpan: kelompok atau pertemuan tidak ditemukan.", "gagal");
          return true;
        });
      }
      tampilMenunggu();
      return false;
    }, function () {
      tampilMenunggu();
      return false;
    });
  }

  function kirimSemua() {
    var items = baca();
    if (sedangKirim || !items.length) {
      return;
    }
    if (!navigator.onLine) {
      tampilMenunggu();
      return;
    }
    sedangKirim = true;
    tombol.disabled = true;
    tampil("Mengirim…", "kirim");
    kirimSatu(items[0]).then(function (lanjut) {
      sedangKirim = false;
      tombol.disabled = false;
      if (lanjut) {
        kirimSemua();
      }
    });
  }

  // --- Reopening the screen without signal (static/p2k2/sw.js) ------------------------
  function pasangServiceWorker() {
    if (!("serviceWorker" in navigator) || !form.dataset.sw) {
      return;
    }
    navigator.serviceWorker.register(form.dataset.sw, { scope: "/p2k2/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [window.location.pathname];
      document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (el) {
        urls.push(el.getAttribute("href") || el.getAttribute("src"));
      });
      registration.active.postMessage({ simpan: urls });
    }).catch(function () {
      // No service worker (private mode, old browser): saving offline still works.
    });
  }

  // --- Events ----------------------------------------------------------------------
  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=radio], select")) {
      hitung();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sedangKirim) {
      return;
    }
    var masalah = periksaPertemuan();
    if (masalah) {
      tampil(masalah, "gagal");
      return;
    }
    var rows = kumpulkan();
    if (!rows.length) {
      tampil("Tidak ada perubahan untuk disimpan.", "berhasil");
      return;
    }
    var id = uuid4();
    var items = baca();
    items.push({
      id: id,
      url: form.dataset.url,
      kunci: kunci,
      dibuat: Date.now(),
      body: {
        kiriman_id: id,
        perangkat: perangkat(),
        pertemuan: dataPertemuan(),
        kehadiran: rows,
      },
    });
    tulis(items);
    if (navigator.onLine) {
      kirimSemua();
    } else {
      tampilMenunggu();
    }
  });

  window.addEventListener("online", kirimSemua);
  window.addEventListener("offline", tampilMenunggu);
  window.setInterval(kirimSemua, ULANG_MS);
  pasangKontrol();
  hitung();
  tampilMenunggu();
  kirimSemua();
  pasangServiceWorker();
})();
