"""Files P2K2 sends out: a meeting as the SIKS-NG activity form, and the alfa recap.

A meeting goes out in the shape of the SIKS-NG P2K2 activity form, checked against its limits.
DOMAIN.md §6: the form takes an activity name (≤ 100 characters), a description (≤ 1.000),
date, start/end time, place, up to 3 speakers, a geotagged photo and the participant list
with HADIR / SAKIT / ALFA; izin is exported as ALFA unless the office changes the mapping
(setting `p2k2_siks_kode_izin`). The export refuses to leave until every limit passes and
says exactly what to fix. The workbooks are written by `dinsos.ekspor` (identifiers as text, no
cell can run as a formula).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dinsos import ekspor
from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.ekspor import SafeWorkbook
from dinsos.formatting import angka, mask_nik
from dinsos.models import AuditEvent, User
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from p2k2.models import DESKRIPSI_MAKS, NAMA_KEGIATAN_MAKS, Kehadiran, Pertemuan
from p2k2.selectors.kehadiran import kehadiran_rows
from p2k2.selectors.rekap import RuntunAlfaKeluarga

KODE_SIKS = ("HADIR", "SAKIT", "ALFA")  # DOMAIN.md §6: the codes SIKS-NG knows


@dataclass(frozen=True)
class Peserta:
    nama: str
    nik: str
    no_kk: str
    kehadiran: str  # HADIR / SAKIT / ALFA
    pemahaman: str


@dataclass
class PemeriksaanSiks:
    """The export's checks: `masalah` block it, `peringatan` do not."""

    nama_kegiatan: str
    peserta: list[Peserta]
    masalah: list[str] = field(default_factory=list)
    peringatan: list[str] = field(default_factory=list)

    @property
    def is_siap(self) -> bool:
        return not self.masalah


def nama_kegiatan(pertemuan: Pertemuan) -> str:
    """The SIKS-NG activity name: the one typed, else "P2K2 <group> - <session or topic>"."""
    nama = pertemuan.nama_kegiatan or f"P2K2 {pertemuan.kelompok.nama} - {pertemuan.judul}"
    return " ".join(nama.split())


def _kode(status: str, kode_izin: str) -> str:
    if status == Kehadiran.Status.IZIN:
        return kode_izin
    return status.upper()


def periksa(*, pertemuan: Pertemuan, user: User) -> PemeriksaanSiks:
    """Check a meeting against the SIKS-NG limits and build its participant list (2 queries)."""
    kode_izin = dinsos_selectors.pengaturan_get("p2k2_siks_kode_izin", on=pertemuan.tanggal)
    rows = kehadiran_rows(kelompok=pertemuan.kelompok, user=user, pertemuan=pertemuan)
    no_kk = dict(
        scope_keluarga(
            user, Keluarga.objects.filter(pk__in=[r.keluarga_id for r in rows])
        ).values_list("pk", "no_kk")
    )
    nama = nama_kegiatan(pertemuan)
    hasil = PemeriksaanSiks(nama_kegiatan=nama, peserta=[])
    masalah = hasil.masalah
    if len(nama) > NAMA_KEGIATAN_MAKS:
        masalah.append(
            f"Nama kegiatan {angka(len(nama))} karakter; SIKS-NG menerima paling banyak "
            f"{NAMA_KEGIATAN_MAKS}. Persingkat {angka(len(nama) - NAMA_KEGIATAN_MAKS)} karakter "
            "di Ubah pertemuan (isian Nama kegiatan)."
        )
    deskripsi = pertemuan.deskripsi.strip()
    if not deskripsi:
        masalah.append("Deskripsi kegiatan belum diisi; tulis di Ubah pertemuan.")
    elif len(deskripsi) > DESKRIPSI_MAKS:
        masalah.append(
            f"Deskripsi {angka(len(deskripsi))} karakter; SIKS-NG menerima paling banyak "
            f"{angka(DESKRIPSI_MAKS)}. Persingkat {angka(len(deskripsi) - DESKRIPSI_MAKS)} "
            "karakter di Ubah pertemuan."
        )
    if pertemuan.sesi_id is None and not pertemuan.topik:
        masalah.append("Materi belum dipilih; pilih sesi atau tulis topik adaptif.")
    if pertemuan.jam_mulai is None or pertemuan.jam_selesai is None:
        masalah.append("Jam mulai dan jam selesai wajib diisi (format JJ:MM).")
    if not pertemuan.tempat.strip():
        masalah.append("Tempat kegiatan belum diisi.")
    if not pertemuan.narasumber:
        masalah.append("Isi paling sedikit satu narasumber (nama dan lembaganya).")
    if kode_izin not in KODE_SIKS:
        masalah.append(
            f"Pengaturan p2k2_siks_kode_izin bernilai {kode_izin!r}; minta admin mengisinya "
            "dengan HADIR, SAKIT atau ALFA."
        )
    belum = [r for r in rows if not r.status]
    if not rows or len(belum) == len(rows):
        masalah.append("Kehadiran belum dicatat; catat dulu di layar kehadiran.")
    elif belum:
        masalah.append(
            f"Kehadiran {angka(len(belum))} keluarga belum dicatat: "
            f"{', '.join(r.nama for r in belum)}. Catat dulu di layar kehadiran."
        )
    if not pertemuan.foto:
        hasil.peringatan.append("Belum ada foto kegiatan; SIKS-NG meminta foto bergeotag.")
    elif pertemuan.foto_lat is None:
        hasil.peringatan.append(
            "Foto tanpa lokasi; pastikan foto yang diunggah ke SIKS-NG bergeotag."
        )
    if kode_izin in KODE_SIKS:
        hasil.peserta = [
            Peserta(
                nama=r.nama,
                nik=r.nik,
                no_kk=no_kk.get(r.keluarga_id, ""),
                kehadiran=_kode(r.status, kode_izin),
                pemahaman=r.pemahaman_label if r.pemahaman else "",
            )
            for r in rows
            if r.status
        ]
    return hasil


def siks_xlsx(*, pertemuan: Pertemuan, pemeriksaan: PemeriksaanSiks) -> bytes:
    """The workbook: sheet "Kegiatan" (the form's fields) and sheet "Peserta"."""
    workbook = SafeWorkbook()
    kegiatan = workbook.add_sheet("Kegiatan", widths={"A": 28, "B": 80})
    sesi = pertemuan.sesi
    materi = sesi.modul.nama if sesi is not None else "P2K2 Adaptif"
    narasumber = [*pertemuan.narasumber, "", "", ""][:3]
    lokasi = f"{pertemuan.foto_lat}, {pertemuan.foto_lng}" if pertemuan.foto_lat is not None else ""
    fields = [
        ("Nama Kegiatan", pemeriksaan.nama_kegiatan),
        ("Materi", materi),
        ("Sesi / Topik", pertemuan.judul),
        ("Tanggal", pertemuan.tanggal.isoformat()),
        ("Jam Mulai", pertemuan.jam_mulai.strftime("%H:%M") if pertemuan.jam_mulai else ""),
        ("Jam Selesai", pertemuan.jam_selesai.strftime("%H:%M") if pertemuan.jam_selesai else ""),
        ("Tempat", pertemuan.tempat),
        ("Pemateri 1", narasumber[0]),
        ("Pemateri 2", narasumber[1]),
        ("Pemateri 3", narasumber[2]),
        ("Uraian Kegiatan", pertemuan.deskripsi.strip()),
        ("Kelompok", pertemuan.kelompok.nama),
        ("Lokasi Foto (lintang, bujur)", lokasi),
    ]
    for label, value in fields:
        kegiatan.append([label, value], label=True)

    widths = dict(zip("ABCDEF", (5, 32, 20, 20, 12, 18), strict=True))
    peserta = workbook.add_sheet("Peserta", widths=widths)
    peserta.append(("No", "Nama", "NIK", "No KK", "Kehadiran", "Pemahaman"), bold=True)
    for nomor, p in enumerate(pemeriksaan.peserta, start=1):
        peserta.append((nomor, p.nama, p.nik, p.no_kk, p.kehadiran, p.pemahaman))
    return workbook.to_bytes()


def siks_export(*, pertemuan: Pertemuan, oleh: User) -> tuple[PemeriksaanSiks, bytes | None]:
    """Check the meeting and, when it passes, build the file and record the export (full
    NIK and No KK leave the portal). A refused export records nothing."""
    pemeriksaan = periksa(pertemuan=pertemuan, user=oleh)
    if not pemeriksaan.is_siap:
        return pemeriksaan, None
    content = siks_xlsx(pertemuan=pertemuan, pemeriksaan=pemeriksaan)
    dinsos_services.audit_record(
        user=oleh,
        action=AuditEvent.Action.EXPORT,
        obj=pertemuan,
        reason="Ekspor SIKS-NG P2K2",
        jumlah=len(pemeriksaan.peserta),
    )
    return pemeriksaan, content


KOLOM_ALFA = ("Pengurus", "NIK", "Kelurahan", "Jumlah alfa", "Dari", "Sampai", "Status")


def runtun_alfa_xlsx(runs: list[RuntunAlfaKeluarga], *, batas: int) -> bytes:
    """The alfa recap as shown, one row per run (NIK masked), through the safe-cell writer."""
    rows = (
        (
            r.keluarga.pengurus.nama if r.keluarga.pengurus else "",
            mask_nik(r.keluarga.pengurus.nik) if r.keluarga.pengurus else "",
            r.keluarga.kelurahan.nama,
            r.jumlah,
            r.dari,
            r.sampai,
            "Masih berlangsung" if r.is_berlangsung else "Sudah hadir lagi",
        )
        for r in runs
    )
    return ekspor.xlsx_bytes(rows, title=f"Alfa {batas}x berturut-turut", header=KOLOM_ALFA)
