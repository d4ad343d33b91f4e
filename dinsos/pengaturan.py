"""Programme settings with their defaults and the rule each comes from.

Every value here can be overridden from a date on by an admin (model `Pengaturan`), so the
office corrects a rule without a release. Read them with `pengaturan_get`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from dinsos.formatting import JAKARTA
from dinsos.kecocokan import AMBANG_AWAL, BOBOT_AWAL


@dataclass(frozen=True)
class Definisi:
    default: Any
    keterangan: str


_BOBOT = (
    "Pilihan kantor: bobot skor (persen); DOMAIN.md §11 hanya menyebut bobot sebagai pengaturan"
)


DEFAULTS: dict[str, Definisi] = {
    # DOMAIN.md §2
    "komponen_maks_per_keluarga": Definisi(4, "DOMAIN.md §2: paling banyak 4 komponen dibayar"),
    "komponen_pilih_tertinggi": Definisi(
        True, "DOMAIN.md §2: bila lebih dari 4, ambil 4 nominal tertinggi"
    ),
    "kehamilan_maks": Definisi(2, "DOMAIN.md §2: paling banyak 2 kehamilan dihitung"),
    "anak_usia_dini_maks": Definisi(2, "DOMAIN.md §2: paling banyak 2 anak usia dini dihitung"),
    "anak_usia_dini_usia_maks": Definisi(6, "DOMAIN.md §2: anak usia dini 0–6 tahun"),
    "anak_sekolah_usia_min": Definisi(6, "DOMAIN.md §2: anak sekolah usia 6–21 tahun"),
    "anak_sekolah_usia_maks": Definisi(21, "DOMAIN.md §2: anak sekolah usia 6–21 tahun"),
    "lansia_usia_min": Definisi(70, "DOMAIN.md §2: ambang lansia, default 70 (ada sumber 60)"),
    "kepesertaan_tahun_maks": Definisi(5, "DOMAIN.md §2: bantuan paling lama 5 tahun"),
    # DOMAIN.md §3
    "desil_maks_pkh": Definisi(4, "DOMAIN.md §3: PKH dan Sembako desil 1–4"),
    "desil_maks_pbijk": Definisi(5, "DOMAIN.md §3: PBI-JK desil 1–5"),
    "desil_maks_sekolah_rakyat": Definisi(2, "DOMAIN.md §3/§9: Sekolah Rakyat desil 1–2"),
    # DOMAIN.md §7, §10 (dtsen reconciliation)
    # Issue #23: the probable-match rule (dinsos/kecocokan.py); `manage.py refit_pencocokan`
    # writes a new dated version of the weights from field-checked pairs.
    "pencocokan_bobot": Definisi(
        BOBOT_AWAL,
        "Pilihan kantor, dipasang dari pasangan yang dicek lapangan (DOMAIN.md §10 hanya "
        "meminta pencocokan terdokumentasi): poin tiap tingkat sinyal 'kemungkinan cocok'",
    ),
    "pencocokan_ambang": Definisi(
        AMBANG_AWAL,
        "Pilihan kantor (DOMAIN.md tidak memberi angka): skor minimal pita sangat mungkin / "
        "mungkin / lemah",
    ),
    "pencocokan_pita_usulan": Definisi(
        ["sangat_mungkin", "mungkin"], "Pita 'kemungkinan cocok' yang diusulkan untuk cek lapangan"
    ),
    "pbijk_reaktivasi_bulan_maks": Definisi(
        6, "DOMAIN.md §7: reaktivasi PBI-JK paling lama 6 bulan sejak dinonaktifkan"
    ),
    "pbijk_reaktivasi_periode_dtsen": Definisi(
        2, "DOMAIN.md §7: setelah reaktivasi, dimutakhirkan di DTSEN dalam 2 periode (bulan)"
    ),
    # Issue 20 (UU 27/2022 restriction requests): DOMAIN.md §10 gives the 3×24 h deadline,
    # not when to warn; a day ahead leaves a working day to decide.
    "pembatasan_peringatan_jam": Definisi(
        24,
        "Pilihan kantor: permintaan pembatasan tampil di Beranda admin bila tenggat 3×24 jam "
        "tinggal sekian jam (DOMAIN.md §10 hanya menetapkan tenggatnya)",
    ),
    # Issue 15: an apply that removes desil from more than this share of the families it
    # touches waits for a second admin's approval (a partial file once wiped a city's desil).
    "dtsen_persetujuan_hilang_desil_persen": Definisi(
        10, "Penerapan DTSEN yang menghapus desil lebih dari persen ini perlu admin kedua"
    ),
    "desil_cadangan_sekolah_rakyat": Definisi(3, "DOMAIN.md §9: desil 3 sebagai cadangan"),
    # Issue 20 (four eyes): DOMAIN.md §4 says only "the office decides"; who must be a second
    # person is the office's choice. Values are dinsos.models.Persetujuan.Jenis.
    "empat_mata_tindakan": Definisi(
        [
            "status_keluarga",
            "penangguhan_komitmen",
            "graduasi",
            "graduasi_paksa",
            "sekolah_rakyat",
            "pbijk",
            "dtsen_hapus_desil",
        ],
        "Pilihan kantor: tindakan yang mencabut atau mengubah penerima bantuan dan harus "
        "disetujui orang kedua (empat mata), bukan oleh yang mengajukannya",
    ),
    # DOMAIN.md §5, §10, §11 (pendamping app)
    "pendamping_batas_keluarga": Definisi(350, "DOMAIN.md §11: paling banyak 350 KPM"),
    "pendamping_batas_keluarga_sulit": Definisi(
        150, "DOMAIN.md §11: 150 KPM di wilayah sulit dijangkau"
    ),
    "graduasi_target_tahunan": Definisi(10, "DOMAIN.md §5: target 10 graduasi per tahun"),
    # Issue 20 (D6): DOMAIN.md §5 ties graduasi paksa to "commitments repeatedly broken, with a
    # village letter" without numbers. Office choice: at least 2 runs found by the komitmen
    # rules (each already 3 months / 3 alfa in a row, DOMAIN.md §4) and not rejected by the
    # office, within the last 24 months.
    "graduasi_paksa_runtun_min": Definisi(
        2,
        "Pilihan kantor (DOMAIN.md §5: komitmen dilanggar berulang): paling sedikit sekian "
        "runtun pelanggaran yang tidak ditolak kantor untuk graduasi paksa",
    ),
    "graduasi_paksa_bulan_lalu": Definisi(
        24,
        "Pilihan kantor: runtun pelanggaran untuk graduasi paksa dihitung sekian bulan ke belakang",
    ),
    # Issue 14: the pendamping's Beranda line "Keluarga perlu dikunjungi" and its list.
    "kunjungan_jatuh_tempo_hari": Definisi(
        90, "Keluarga dampingan tanpa kunjungan rumah/verifikasi sekian hari: perlu dikunjungi"
    ),
    # Issue 20 (psks): two-way referrals. DOMAIN.md is silent on how long a receiving
    # institution may take to answer; 14 days is the office's choice (two working weeks).
    "rujukan_jawaban_batas_hari": Definisi(
        14,
        "Pilihan kantor: rujukan tanpa jawaban lembaga tujuan sekian hari sejak dikirim = "
        "terlambat (DOMAIN.md tidak mengatur; dua minggu kerja)",
    ),
    # Issue 20 (D12): DOMAIN.md §11 says only "weights are settings"; the numbers are the
    # office's starting choice (coverage first, then response and referrals).
    "bobot_cakupan_layanan": Definisi(30, _BOBOT),
    "bobot_kecepatan_respon": Definisi(20, _BOBOT),
    "bobot_integrasi_rujukan": Definisi(20, _BOBOT),
    "bobot_kepuasan": Definisi(15, _BOBOT),
    "bobot_perlindungan_data": Definisi(15, _BOBOT),
    # Issue 20 (RHK from data): DOMAIN.md §11 names the monthly report (RHK 7) and the
    # family's satisfaction but gives no deadline and no survey period.
    "laporan_bulanan_batas_hari": Definisi(
        5,
        "Pilihan kantor: laporan bulanan (RHK 7) dikirim paling lambat tanggal ini bulan "
        "berikutnya; sesudahnya tercatat terlambat (DOMAIN.md tidak mengatur batasnya)",
    ),
    "kepuasan_periode_bulan": Definisi(
        6,
        "Pilihan kantor: satu tautan/QR penilaian kepuasan per keluarga per periode sekian "
        "bulan (semester), dijawab sekali (DOMAIN.md tidak mengatur periodenya)",
    ),
    "respon_hari_nilai_nol": Definisi(
        14,
        "Pilihan kantor (DOMAIN.md §11 tidak memberi angka): median respon (hari) yang "
        "bernilai 0; 0 hari bernilai 100",
    ),
    "akses_lihat_per_jam_maks": Definisi(
        200,
        "Pilihan kantor (DOMAIN.md §10 hanya meminta tahu siapa mengakses apa): lebih dari ini "
        "keluarga dilihat dalam 1 jam = akses tidak wajar",
    ),
    "cari_identitas_per_jam_maks": Definisi(
        50,
        "Pilihan kantor (issue 22; DOMAIN.md tidak memberi angka): lebih dari ini pencarian "
        "NIK/No KK dalam 1 jam = akses tidak wajar",
    ),
    "jam_kerja_mulai": Definisi(
        7, "Pilihan kantor (jam kerja, bukan DOMAIN.md): ekspor sebelum jam ini (WIB) ditandai"
    ),
    "jam_kerja_selesai": Definisi(
        17, "Pilihan kantor (jam kerja, bukan DOMAIN.md): ekspor sejak jam ini (WIB) ditandai"
    ),
    # DOMAIN.md §4, §6 (p2k2 app)
    "p2k2_kelompok_maks": Definisi(30, "DOMAIN.md §6: kelompok P2K2 paling banyak 30 KPM"),
    "p2k2_alfa_berturut": Definisi(
        3, "DOMAIN.md §4: alfa P2K2 3 kali berturut-turut = calon penangguhan"
    ),
    # Issue 20 (D13): one reading of "berturut-turut" for the P2K2 alfa run and the komitmen
    # run. DOMAIN.md §4 says "3 consecutive unexcused absences" / "3 consecutive months" and is
    # silent on an excused gap in between; the office's choice (default): an excused gap —
    # izin/sakit at a meeting, a month "tidak dapat diverifikasi" or not verified — ENDS the
    # run, because the system only proposes and a documented excuse should not lead to a
    # suspension proposal. False: the gap is skipped (neither counts nor ends the run).
    "runtun_jeda_berketerangan_memutus": Definisi(
        True,
        "Pilihan kantor (DOMAIN.md §4 tidak mengatur): izin/sakit P2K2 dan bulan yang tidak "
        "dapat diverifikasi memutus runtun alfa dan runtun tidak patuh",
    ),
    "p2k2_siks_kode_izin": Definisi(
        "ALFA", "DOMAIN.md §6: SIKS-NG hanya HADIR/SAKIT/ALFA; izin diekspor sebagai ALFA"
    ),
    # DOMAIN.md §4, §9 (kpm: verifikasi komitmen, Sekolah Rakyat). Alfa P2K2 memakai
    # p2k2_alfa_berturut, target graduasi memakai graduasi_target_tahunan (di atas).
    "komitmen_pendidikan_persen_min": Definisi(
        85, "DOMAIN.md §4: anak sekolah hadir ≥ 85% hari efektif sekolah tiap bulan"
    ),
    "komitmen_bulan_berturut": Definisi(
        3, "DOMAIN.md §4: 3 bulan berturut-turut tidak patuh = calon penangguhan"
    ),
    "sekolah_rakyat_usia_sd_min": Definisi(7, "DOMAIN.md §9: SD 7–12 (belum terverifikasi)"),
    "sekolah_rakyat_usia_sd_maks": Definisi(12, "DOMAIN.md §9: SD 7–12 (belum terverifikasi)"),
    "sekolah_rakyat_usia_sd_terverifikasi": Definisi(
        False, "DOMAIN.md §9: jendela usia SD belum ditemukan sumbernya; ubah bila sudah pasti"
    ),
    "sekolah_rakyat_usia_smp_min": Definisi(13, "DOMAIN.md §9: SMP 13–15"),
    "sekolah_rakyat_usia_smp_maks": Definisi(15, "DOMAIN.md §9: SMP 13–15"),
    "sekolah_rakyat_usia_sma_min": Definisi(16, "DOMAIN.md §9: SMA 16–18"),
    "sekolah_rakyat_usia_sma_maks": Definisi(18, "DOMAIN.md §9: SMA 16–18"),
    # Issue 21 (kinerja summaries): DOMAIN.md is silent on how fresh a summarised figure of a
    # running month or year must be; 15 minutes is the office's choice.
    "ringkasan_umur_menit": Definisi(
        15,
        "Pilihan kantor: angka ringkasan bulan/tahun berjalan (kinerja pendamping) dihitung "
        "ulang bila lebih tua dari sekian menit; catatan baru pendamping langsung terhitung",
    ),
    # Issue 18 (pengaduan app): deadlines in working days (weekends, public holidays and
    # the office's extra closing days excluded), counted from the day a complaint is received.
    # PBI-JK is health cover: a deactivated family waits days, not weeks (DOMAIN.md §7).
    # A proposal to enter DTSEN follows the monthly update cycle, hence 30 days.
    "pengaduan_jawab_hari_bansos_tidak_diterima": Definisi(
        5, "Pengaduan bansos tidak diterima: hari kerja sampai jawaban pertama"
    ),
    "pengaduan_selesai_hari_bansos_tidak_diterima": Definisi(
        14, "Pengaduan bansos tidak diterima: hari kerja sampai selesai"
    ),
    "pengaduan_jawab_hari_nominal_tidak_sesuai": Definisi(
        5, "Pengaduan nominal tidak sesuai: hari kerja sampai jawaban pertama"
    ),
    "pengaduan_selesai_hari_nominal_tidak_sesuai": Definisi(
        14, "Pengaduan nominal tidak sesuai: hari kerja sampai selesai"
    ),
    "pengaduan_jawab_hari_pbijk_nonaktif": Definisi(
        2, "Pengaduan PBI-JK nonaktif: hari kerja sampai jawaban pertama"
    ),
    "pengaduan_selesai_hari_pbijk_nonaktif": Definisi(
        7, "Pengaduan PBI-JK nonaktif: hari kerja sampai selesai"
    ),
    "pengaduan_jawab_hari_usul_dtsen": Definisi(
        5, "Pengaduan ingin diusulkan masuk DTSEN: hari kerja sampai jawaban pertama"
    ),
    "pengaduan_selesai_hari_usul_dtsen": Definisi(
        30, "Pengaduan ingin diusulkan masuk DTSEN: hari kerja sampai selesai"
    ),
    "pengaduan_jawab_hari_data_salah": Definisi(
        5, "Pengaduan data salah: hari kerja sampai jawaban pertama"
    ),
    "pengaduan_selesai_hari_data_salah": Definisi(
        14, "Pengaduan data salah: hari kerja sampai selesai"
    ),
    "pengaduan_jawab_hari_perilaku_petugas": Definisi(
        5, "Pengaduan perilaku petugas/pendamping: hari kerja sampai jawaban pertama"
    ),
    "pengaduan_selesai_hari_perilaku_petugas": Definisi(
        14, "Pengaduan perilaku petugas/pendamping: hari kerja sampai selesai"
    ),
    "pengaduan_jawab_hari_lainnya": Definisi(
        5, "Pengaduan lainnya: hari kerja sampai jawaban pertama"
    ),
    "pengaduan_selesai_hari_lainnya": Definisi(14, "Pengaduan lainnya: hari kerja sampai selesai"),
    "pengaduan_hampir_tenggat_hari": Definisi(
        2, "Pengaduan: tenggat dalam sekian hari kerja ke depan = hampir jatuh tempo"
    ),
    # Issue 17 (pemutakhiran app), DOMAIN.md §7: the monthly update calendar. Both windows
    # open on the 1st; a proposal submitted after the SIKS-NG cut-off joins next month's batch.
    "pemutakhiran_musdes_hari_akhir": Definisi(
        14, "DOMAIN.md §7: Musdes/Muskel tanggal 1–14 tiap bulan"
    ),
    "pemutakhiran_siks_hari_akhir": Definisi(
        11, "DOMAIN.md §7: input SIKS-NG tanggal 1–11; usulan sesudahnya ikut bulan berikutnya"
    ),
    # Issue 19 (laporan app): the heading of the monthly rakor report's PDF. DOMAIN is silent
    # on it; each office writes its own name, address and logo.
    "laporan_kop_instansi": Definisi(
        "Dinas Sosial Kota Metro",
        "Pilihan kantor: nama instansi di kop laporan rakor (PDF), diganti tiap kantor",
    ),
    "laporan_kop_alamat": Definisi(
        "Jl. A.H. Nasution No. 1, Metro, Lampung",
        "Pilihan kantor: alamat di bawah kop laporan rakor (PDF), diganti tiap kantor",
    ),
    "laporan_logo": Definisi(
        "dinsos/favicon.svg",
        "Pilihan kantor: logo kop laporan rakor, berkas statis (SVG/PNG) di folder static/",
    ),
    "pemutakhiran_bulan_tunggu_maks": Definisi(
        3, "Usulan terkirim yang sekian bulan belum tercermin di DTSEN: ditolak oleh pusat"
    ),
}


def _coerce(kunci: str, nilai: Any) -> Any:
    default = DEFAULTS[kunci].default
    if isinstance(default, bool):
        if not isinstance(nilai, bool):
            raise ValidationError(f"{kunci}: nilai harus ya/tidak (true/false).")
    elif isinstance(default, int) and (not isinstance(nilai, int) or isinstance(nilai, bool)):
        raise ValidationError(f"{kunci}: nilai harus bilangan bulat.")
    elif isinstance(default, list) and not isinstance(nilai, list):
        raise ValidationError(f"{kunci}: nilai harus daftar (list).")
    return nilai


def validate_pengaturan(kunci: str, nilai: Any) -> None:
    """Refuse unknown keys and values of the wrong type, in Indonesian."""
    if kunci not in DEFAULTS:
        raise ValidationError(f"Kunci pengaturan '{kunci}' tidak dikenal.")
    _coerce(kunci, nilai)


def today() -> datetime.date:
    """Today's date in Jakarta (the office's calendar day)."""
    return datetime.datetime.now(tz=JAKARTA).date()
