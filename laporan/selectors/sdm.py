"""Section 9 of the rakor report: the PSKS workforce (koordinator and admin only).

The only section with names: pendamping are named here because the rakor evaluates them
(issue 19). Their indicators come from pendamping.selectors.indikator_list, one aggregate
statement for all of them (DOMAIN.md §11).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dinsos.raw_sql import db_table
from laporan.selectors.konteks import (
    ANGKA,
    PERSEN,
    TEKS,
    Konteks,
    angka,
    bagian,
    grafik,
    kolom,
    rows,
    tabel,
)
from pendamping.models import Pendamping
from pendamping.periode import Periode
from pendamping.selectors.indikator import indikator_list
from verifikasi.models import Graduasi

SKOR = "skor"  # a 0–100 score with one decimal
PERINGKAT = 5  # the rakor discusses the five lowest and the five highest


# Issue 20 turns `Pendamping.jenis` from a choice into a row of the kinds table (its column
# still holds the code); the section reads it either way.
JENIS_FIELD = Pendamping._meta.get_field("jenis")


def jenis_pilihan() -> list[tuple[str, str]]:
    """(code, name) of the kinds of worker, in the office's order."""
    if JENIS_FIELD.is_relation:
        model: Any = JENIS_FIELD.related_model
        return list(model.objects.order_by("urutan", "nama").values_list("kode", "nama"))
    return [(str(v), str(label)) for v, label in Pendamping.Jenis.choices]


def _kode_jenis(pendamping: Pendamping) -> str:
    return str(getattr(pendamping, "jenis_id", None) or pendamping.jenis)


def _pendamping_di_area(k: Konteks) -> Any:
    """Workers in service at some day of the month with a duty area inside the report's."""
    qs = (
        Pendamping.objects.select_related("jenis")
        if JENIS_FIELD.is_relation
        else (Pendamping.objects.all())
    )
    return (
        qs.filter(
            Q(wilayah__in=k.kelurahan_ids) | Q(wilayah__in=k.kecamatan_ids),
            mulai__lt=k.akhir,
        )
        .exclude(selesai__lt=k.bulan)
        .distinct()
        .order_by("nama", "pk")
    )


def _graduasi_tahun(k: Konteks) -> dict[int, int]:
    """Graduations decided from January to the month's end, per pendamping account."""
    return dict(
        rows(
            f"""
            SELECT pendamping_id, count(*) FROM {db_table(Graduasi)}
            WHERE status = %(diterima)s AND pendamping_id IS NOT NULL
                AND tanggal_graduasi >= %(awal_tahun)s AND tanggal_graduasi < %(akhir)s
            GROUP BY 1
            """,  # noqa: S608 (table names from model metadata only)
            {**k.params(), "diterima": Graduasi.Status.DITERIMA},
        )
    )


def bagian_sdm(k: Konteks) -> dict[str, Any]:
    """Workers by type, caseload against the ceiling, the five indicators and the score,
    the RHK summary, graduations against the yearly target, lowest and highest scores."""
    periode = Periode(k.bulan.year, k.bulan.month)
    semua = indikator_list(_pendamping_di_area(k), periode=periode, pengaturan=k.pengaturan)
    graduasi = _graduasi_tahun(k)
    target = int(k.pengaturan["graduasi_target_tahunan"])
    nama_jenis = dict(jenis_pilihan())
    per_jenis = dict.fromkeys(nama_jenis, 0)
    for i in semua:
        kode = _kode_jenis(i.pendamping)
        per_jenis[kode] = per_jenis.get(kode, 0) + 1
    berakun = [i for i in semua if i.has_akun]
    melebihi = [i for i in berakun if i.is_melebihi_batas]
    dinilai = sorted(
        (i for i in semua if i.skor is not None), key=lambda i: (i.skor, i.pendamping.nama)
    )

    def baris(i: Any) -> list[Any]:
        lulus = graduasi.get(i.pendamping.user_id, 0) if i.has_akun else None
        return [
            i.pendamping.nama,
            nama_jenis.get(_kode_jenis(i.pendamping), _kode_jenis(i.pendamping)),
            i.jumlah_keluarga if i.has_akun else None,
            i.batas_keluarga if i.has_akun else None,
            i.cakupan,
            i.respon_median,
            i.integrasi_rujukan,
            i.kepuasan_rata,
            i.skor_data,
            i.skor,
            lulus,
            target if i.has_akun else None,
        ]

    kolom_list = [
        kolom("Nama", TEKS),
        kolom("Jenis", TEKS),
        kolom("Keluarga"),
        kolom("Batas"),
        kolom("Cakupan layanan", PERSEN),
        kolom("Respon (hari, median)", SKOR),
        kolom("Integrasi rujukan", PERSEN),
        kolom("Kepuasan (1–5)", SKOR),
        kolom("Perlindungan data", SKOR),
        kolom("Skor", SKOR),
        kolom("Graduasi tahun ini"),
        kolom("Target graduasi"),
    ]
    rhk: dict[int, tuple[str, int, int]] = {}
    for i in semua:
        for item in i.rhk:
            nama, total, tercatat = rhk.get(item.nomor, (item.nama, 0, 0))
            if item.is_tercatat:
                jumlah = item.jumlah if item.jumlah is not None else _angka_rhk(item.nilai)
                rhk[item.nomor] = (nama, total + jumlah, tercatat + 1)
            else:
                rhk[item.nomor] = (nama, total, tercatat)
    return bagian(
        "sdm",
        "SDM PSKS",
        is_terbatas=True,
        angka_list=[
            angka("Tenaga PSKS bertugas", len(semua)),
            angka("Pendamping melebihi batas keluarga", len(melebihi)),
            angka(
                "Rata-rata keluarga per pendamping berakun",
                round(sum(i.jumlah_keluarga for i in berakun) / len(berakun)) if berakun else None,
            ),
        ],
        tabel_list=[
            tabel(
                "Tenaga PSKS per jenis",
                [kolom("Jenis", TEKS), kolom("Orang")],
                [[nama_jenis.get(j, j), n] for j, n in per_jenis.items()],
            ),
            tabel(
                "Ringkasan RHK",
                [kolom("RHK", TEKS), kolom("Jumlah"), kolom("Pendamping tercatat")],
                [
                    [f"{nomor}. {nama}", total if tercatat else None, tercatat]
                    for nomor, (nama, total, tercatat) in sorted(rhk.items())
                ],
            ),
            tabel(
                f"{PERINGKAT} skor terendah",
                kolom_list,
                [baris(i) for i in dinilai[:PERINGKAT]],
                kosong="Belum ada pendamping dengan skor bulan ini.",
            ),
            tabel(
                f"{PERINGKAT} skor tertinggi",
                kolom_list,
                [baris(i) for i in reversed(dinilai[-PERINGKAT:])],
                kosong="Belum ada pendamping dengan skor bulan ini.",
            ),
            tabel("Kinerja per pendamping", kolom_list, [baris(i) for i in semua], is_rinci=True),
        ],
        grafik_list=[
            grafik(
                "Tenaga PSKS per jenis",
                [(nama_jenis.get(j, j), n) for j, n in per_jenis.items()],
                fmt=ANGKA,
            )
        ],
        catatan=[
            "Skor 0–100: rata-rata berbobot lima indikator (DOMAIN.md §11; bobot di "
            "pengaturan). Batas keluarga per pendamping "
            f"{k.pengaturan['pendamping_batas_keluarga']} (wilayah sulit "
            f"{k.pengaturan['pendamping_batas_keluarga_sulit']}), target graduasi {target} "
            "per tahun (DOMAIN.md §5)."
        ],
    )


def _angka_rhk(nilai: str) -> int:
    """An RHK figure written as text ("1.234") back to its number."""
    digits = nilai.replace(".", "")
    return int(digits) if digits.isdigit() else 0
