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
//
// The screen shows what the phone holds (issue 15): when it opens, marks still queued for its
// meeting are laid over the server's and labelled "belum terkirim"; a new-meeting screen
// reopened (from the service worker, without signal) takes up the meeting its queued marks
// belong to instead of starting another. After each answer every family shows the server's
// mark. A new meeting whose date and materi match one the group already has asks "Lanjutkan
// pertemuan yang sudah ada?"; unanswered, the server adds the marks to that meeting.
(function () {
  "use strict";

  var ANTRIAN = "p2k2-antrian-v1";
  var PERANGKAT = "p2k2-perangkat";
  var ULANG_MS = 30000;
  var LABEL = { hadir: "Hadir", izin: "Izin", sakit: "Sakit", alfa: "Alfa" };
  var FIELDS = [
    "materi", "topik", "nama_kegiatan", "tanggal", "jam_mulai", "jam_selesai",
    "tempat", "narasumber_1", "narasumber_2", "narasumber_3", "deskripsi", "is_terpisah",
  ];
  var BULAN = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
  ];

  var form = document.getElementById("form-kehadiran");
  if (!form) {
    return;
  }
  var statusEl = document.getElementById("status-kirim");
  var tombol = document.getElementById("tombol-simpan");
  var ringkasanEl = document.getElementById("ringkasan");
  var infoEl = document.getElementById("info-pertemuan");
  var tanyaEl = document.getElementById("tanya-lanjut");
  // A new-meeting screen (kelompok/<id>/catat/) sends the meeting's fields with every save.
  var isLayarBaru = !form.dataset.pertemuan;
  var isBaru = isLayarBaru;
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

  function barisKeluarga(id) {
    return form.querySelector("li.kpm[data-keluarga='" + id + "']");
  }

  function antrianIni() {
    return baca().filter(function (item) { return item.kunci === kunci; });
  }

  // Label the families whose marks wait in the queue for this meeting; with `isi`, also show
  // the queued marks (the last queued one wins) over what the page was rendered with.
  function tandaiAntrian(isi) {
    var tunggu = {};
    antrianIni().forEach(function (item) {
      (item.body.kehadiran || []).forEach(function (row) {
        tunggu[row.keluarga_id] = row;
      });
    });
    baris().forEach(function (li) {
      var row = tunggu[li.dataset.keluarga];
      if (row && isi) {
        setNilai(li, row.status, row.pemahaman);
      }
      var note = li.querySelector(".catatan-antrian");
      li.classList.toggle("belum-terkirim", !!row);
      if (note) {  // absent from a page cached before this version
        note.hidden = !row;
      }
    });
    hitung();
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
      if (el && el.type === "checkbox") {
        data[name] = el.checked ? "1" : "";
      } else if (el && el.value !== undefined) {
        data[name] = el.value;
      }
    });
    return data;
  }

  // --- A new-meeting screen ---------------------------------------------------------
  function tampilInfo(teks) {
    if (infoEl) {
      infoEl.textContent = teks;
    }
  }

  function tanggalId(iso) {
    var p = (iso || "").split("-");
    if (p.length !== 3) {
      return "";
    }
    return parseInt(p[2], 10) + " " + BULAN[parseInt(p[1], 10) - 1] + " " + p[0];
  }

  function judulMateri() {
    var materi = form.elements.namedItem("materi");
    var topik = form.elements.namedItem("topik");
    if (!materi || !materi.value) {
      return "";
    }
    if (materi.value === "adaptif") {
      return topik ? topik.value.trim() : "";
    }
    return materi.options[materi.selectedIndex].text.replace(/^Sesi \d+: /, "");
  }

  // The group's meeting with this date and materi, if the page lists one.
  function pertemuanSama() {
    var materi = form.elements.namedItem("materi");
    var tanggal = form.elements.namedItem("tanggal");
    if (!isBaru || !materi || !tanggal || !materi.value || !tanggal.value) {
      return null;
    }
    var ada = form.querySelectorAll("#pertemuan-ada li");
    for (var i = 0; i < ada.length; i += 1) {
      if (ada[i].dataset.tanggal === tanggal.value && ada[i].dataset.materi === materi.value &&
          ada[i].dataset.client !== kunci) {
        return ada[i];
      }
    }
    return null;
  }

  function tanyaLanjut() {
    if (!tanyaEl) {
      return;
    }
    var sama = pertemuanSama();
    tanyaEl.hidden = !sama;
    if (sama) {
      tanyaEl.querySelector(".judul-ada").textContent = sama.textContent.trim();
      tanyaEl.querySelector(".buka-ada").href = sama.dataset.url;
    }
  }

  // Take up the newest meeting this phone made on this group's new-meeting screen and has
  // not finished sending: its key, its fields and (by tandaiAntrian) its marks.
  function ambilPertemuanAntrian() {
    var milik = baca().filter(function (item) {
      // Entries queued before `baru` existed carry the meeting's fields ("materi").
      return item.url === form.dataset.url && (item.baru || "materi" in item.body.pertemuan);
    });
    if (!milik.length) {
      return;
    }
    var item = milik[milik.length - 1];
    kunci = item.kunci;
    FIELDS.forEach(function (name) {
      var el = form.elements.namedItem(name);
      var value = item.body.pertemuan[name];
      if (!el || value === undefined) {
        return;
      }
      if (el.type === "checkbox") {
        el.checked = !!value;
      } else {
        el.value = value;
      }
    });
    tampilInfo(
      tanggalId(item.body.pertemuan.tanggal) + " · " + judulMateri() + " · belum terkirim"
    );
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
  // The server may have added the marks to the group's existing meeting of that day: move
  // the queue (and this screen, when it shows that meeting) to the server's meeting.
  function gantiKunci(lama, pertemuan) {
    if (!pertemuan || pertemuan.client_id === lama) {
      return;
    }
    tulis(baca().map(function (item) {
      if (item.kunci === lama) {
        item.kunci = pertemuan.client_id;
        item.body.pertemuan.client_id = pertemuan.client_id;
      }
      return item;
    }));
    if (kunci === lama) {
      kunci = pertemuan.client_id;
    }
  }

  // Show the server's mark for a family unless the pendamping changed the row since the
  // marks were sent (that change is kept and goes with the next save).
  function tampilServer(li, row, dikirim) {
    var v = nilai(li);
    var dulu = dikirim ||
      { status: li.dataset.status0 || "hadir", pemahaman: li.dataset.pemahaman0 };
    var isDiubah = v.status !== dulu.status || v.pemahaman !== (dulu.pemahaman || "");
    li.dataset.versi = String(row.versi);
    li.dataset.status0 = row.status;
    li.dataset.pemahaman0 = row.pemahaman;
    if (!isDiubah) {
      setNilai(li, row.status, row.pemahaman);
    }
  }

  function terapkan(item, data) {
    var lama = item.kunci;
    gantiKunci(lama, data.pertemuan);
    if (lama !== kunci && (!data.pertemuan || data.pertemuan.client_id !== kunci)) {
      return;  // an answer for another meeting queued on this phone
    }
    var dikirim = {};
    (item.body.kehadiran || []).forEach(function (row) { dikirim[row.keluarga_id] = row; });
    var konflik = {};
    (data.hasil || []).forEach(function (row) { konflik[row.keluarga_id] = row; });
    (data.tersimpan || data.hasil || []).forEach(function (row) {
      var li = barisKeluarga(row.keluarga_id);
      if (li) {
        tampilServer(li, row, dikirim[row.keluarga_id]);
      }
    });
    baris().forEach(function (li) {
      var row = konflik[li.dataset.keluarga];
      var note = li.querySelector(".catatan-konflik");
      if (row && row.hasil === "konflik") {
        setNilai(li, row.status, row.pemahaman);
        note.textContent = "Perangkat lain sudah mencatat " + LABEL[row.status] +
          "; kiriman ini " + LABEL[row.kiriman_status] +
          ". Pilih yang benar di halaman pertemuan.";
        note.hidden = false;
        li.classList.add("konflik");
      } else if (row) {
        note.hidden = true;
        li.classList.remove("konflik");
      }
    });
    if (data.pertemuan) {
      var isian = form.querySelector(".data-pertemuan");
      if (isian) {  // the meeting is on the server now: its details are edited there
        isian.hidden = true;
      }
      form.dataset.pertemuan = data.pertemuan.client_id;
      tampilInfo(data.pertemuan.info);
      if (isBaru && window.location.pathname !== data.pertemuan.layar) {
        // A reload now opens this meeting's screen, not "Pertemuan baru".
        window.history.replaceState(null, "", data.pertemuan.layar);
        simpanUntukOffline([data.pertemuan.layar]);
      }
    }
    isBaru = false;
    if (tanyaEl) {
      tanyaEl.hidden = true;
    }
    tandaiAntrian(true);
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
        tandaiAntrian(false);
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
  function simpanUntukOffline(urls) {
    if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) {
      return;
    }
    navigator.serviceWorker.controller.postMessage({ simpan: urls });
  }

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
    if (event.target.matches("[name=tanggal], [name=materi]")) {
      tanyaLanjut();
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
      baru: isLayarBaru,
      dibuat: Date.now(),
      body: {
        kiriman_id: id,
        perangkat: perangkat(),
        pertemuan: dataPertemuan(),
        kehadiran: rows,
      },
    });
    tulis(items);
    tandaiAntrian(false);
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
  if (isLayarBaru) {
    ambilPertemuanAntrian();
  }
  tandaiAntrian(true);
  tanyaLanjut();
  tampilMenunggu();
  kirimSemua();
  pasangServiceWorker();
})();
