"""Beside the layers: a declared table that the form, the service and the export all read.

What each kind of proposal needs: the fields the form asks for and the evidence it must
carry (issue 17). One declared table; the form, the service and the export read it.

A deactivation's needs depend on its reason (a death certificate number for meninggal, the
new KK for pindah), so the kind-and-reason pair is what the user picks first.
"""

from __future__ import annotations

from dataclasses import dataclass

from pemutakhiran.models import Jenis, Usulan

A = Usulan.AlasanNonaktif

# The person every proposal names (the head of the family for a family's proposal).
ORANG = ("nik", "nama")


@dataclass(frozen=True)
class Syarat:
    """`fields` beyond the person's NIK and name, all required; `bukti` names the evidence
    that must be attached before the proposal is submitted ("" = none required)."""

    label: str
    fields: tuple[str, ...]
    bukti: str = ""
    keterangan: str = ""  # a hint shown above the form


SYARAT: dict[tuple[str, str], Syarat] = {
    (Jenis.USULAN_BARU, ""): Syarat(
        "Usulan baru (keluarga miskin belum masuk DTSEN)",
        ("no_kk", "tanggal_lahir", "jenis_kelamin", "alamat", "keterangan"),
        bukti="Foto KK atau KTP",
        keterangan="Kepala keluarga yang diusulkan hasil Musdes/Muskel.",
    ),
    (Jenis.PERBAIKAN_DATA, ""): Syarat(
        "Perbaikan data (NIK, KK, nama, tanggal lahir, alamat)",
        ("data_diperbaiki", "nilai_lama", "nilai_baru"),
        bukti="Foto dokumen yang benar (KTP, KK atau akta)",
    ),
    (Jenis.KONDISI, ""): Syarat(
        "Pemutakhiran kondisi (survei ulang)",
        ("no_kk", "keterangan"),
        bukti="Foto kondisi rumah",
        keterangan="Kondisi keluarga berubah sehingga perlu disurvei ulang.",
    ),
    (Jenis.PENONAKTIFAN, A.MENINGGAL): Syarat(
        "Penonaktifan: meninggal",
        ("nomor_akta_kematian",),
        bukti="Akta kematian atau surat keterangan kematian",
    ),
    (Jenis.PENONAKTIFAN, A.PINDAH): Syarat(
        "Penonaktifan: pindah", ("no_kk_baru",), bukti="Foto KK baru"
    ),
    (Jenis.PENONAKTIFAN, A.MAMPU): Syarat(
        "Penonaktifan: sudah mampu", ("keterangan",), bukti="Berita acara Musdes/Muskel"
    ),
    (Jenis.PENONAKTIFAN, A.GANDA): Syarat("Penonaktifan: data ganda", ("nik_ganda",)),
    (Jenis.PENONAKTIFAN, A.MENOLAK): Syarat(
        "Penonaktifan: menolak bantuan", (), bukti="Surat pernyataan menolak bantuan"
    ),
    (Jenis.REAKTIVASI_PBIJK, ""): Syarat(
        "Reaktivasi PBI-JK",
        ("nomor_surat_faskes",),
        bukti="Surat keterangan fasilitas kesehatan",
        keterangan="Paling lama 6 bulan sejak dinonaktifkan, sekali per orang (DOMAIN.md §7).",
    ),
    (Jenis.SANGGAHAN, ""): Syarat(
        "Sanggahan (desil atau tidak masuk DTSEN)",
        ("no_kk", "keterangan"),
        keterangan="Warga menyanggah desilnya atau tidak masuknya ke DTSEN.",
    ),
}
# Optional on their kind's form: a sanggahan's desil is blank when the citizen is not in DTSEN.
OPSIONAL: dict[str, tuple[str, ...]] = {Jenis.SANGGAHAN: ("desil_disanggah",)}


def syarat_untuk(jenis: str, alasan: str = "") -> Syarat | None:
    """The needs of a kind (and a deactivation's reason), or None for a pair that does not
    exist (a deactivation without a reason, a reason on another kind)."""
    return SYARAT.get((jenis, alasan))
