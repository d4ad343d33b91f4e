"""Sections 7 and 8 of the rakor report: DTSEN and PBI-JK data work, and complaints.

Aggregate statements over the area and the month; complaints are counted with the complaint
list's own definitions (pengaduan.selectors), so each figure links to the rows it counts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from dinsos.models import Wilayah
from dinsos.raw_sql import db_table
from dtsen.models import EksporSiks, EksporSiksBaris, Kategori, Snapshot, Temuan
from dtsen.models.snapshot import Jenis as JenisSnapshot
from kpm.models import Keluarga, PerubahanDesil
from laporan.selectors.konteks import (
    PERSEN,
    TEKS,
    Konteks,
    angka,
    bagian,
    grafik,
    kolom,
    rasio,
    rows,
    tabel,
    url,
)
from pemutakhiran.models import Jenis as JenisUsulan
from pemutakhiran.models import Status as StatusUsulan
from pemutakhiran.models import Usulan as UsulanPemutakhiran
from pemutakhiran.selectors import UsulanFilter
from pengaduan.models import Pengaduan
from pengaduan.selectors import PengaduanFilter, q_dijawab_tepat

KELUARGA = db_table(Keluarga)
WILAYAH = db_table(Wilayah)
# A proposal's result known from a later snapshot (issue 17): reflected, waiting, refused.
STATUS_HASIL = (StatusUsulan.DITERIMA, StatusUsulan.BELUM_TERCERMIN, StatusUsulan.DITOLAK_PUSAT)


def bagian_dtsen(k: Konteks) -> dict[str, Any]:
    """Snapshots applied, desil changes of the area's families, findings opened and closed
    by category, the month's proposals to SIKS-NG and their reflection, PBI-JK
    reactivations (DOMAIN.md §7)."""
    p = {**k.params(), "kode": k.wilayah.kode, "prefix": f"{k.wilayah.kode}.%"}
    snapshot = dict(
        rows(
            f"""
            SELECT s.jenis, count(*)
            FROM {db_table(Snapshot)} s JOIN {WILAYAH} w ON w.id = s.wilayah_id
            WHERE s.applied_at >= %(awal_w)s AND s.applied_at < %(akhir_w)s
                AND (w.kode = %(kode)s OR w.kode LIKE %(prefix)s
                    OR %(kode)s LIKE w.kode || '.%%')
            GROUP BY 1
            """,  # noqa: S608 (table names from model metadata only)
            p,
        )
    )
    desil = rows(
        f"""
        SELECT
            count(*) FILTER (WHERE d.desil_lama IS NULL AND d.desil_baru IS NOT NULL),
            count(*) FILTER (WHERE d.desil_baru < d.desil_lama),
            count(*) FILTER (WHERE d.desil_baru > d.desil_lama),
            count(*) FILTER (WHERE d.desil_lama IS NOT NULL AND d.desil_baru IS NULL)
        FROM {db_table(PerubahanDesil)} d JOIN {KELUARGA} k ON k.id = d.keluarga_id
        WHERE k.kelurahan_id = ANY(%(kel)s)
            AND d.created_at >= %(awal_w)s AND d.created_at < %(akhir_w)s
        """,  # noqa: S608 (table names from model metadata only)
        p,
    )[0]
    temuan = {
        kategori: (dibuka, ditutup)
        for kategori, dibuka, ditutup in rows(
            f"""
            SELECT kategori,
                count(*) FILTER (WHERE created_at >= %(awal_w)s AND created_at < %(akhir_w)s),
                count(*) FILTER (WHERE closed_at >= %(awal_w)s AND closed_at < %(akhir_w)s)
            FROM {db_table(Temuan)}
            WHERE kecamatan_id = ANY(%(kec)s)
                AND (created_at >= %(awal_w)s OR closed_at >= %(awal_w)s)
            GROUP BY 1
            """,  # noqa: S608 (table names from model metadata only)
            p,
        )
    }
    usulan = {
        (jenis, status): n
        for jenis, status, n in rows(
            f"""
            SELECT jenis, status, count(*) FROM {db_table(UsulanPemutakhiran)}
            WHERE kecamatan_id = ANY(%(kec)s) AND bulan = %(awal)s
            GROUP BY 1, 2
            """,  # noqa: S608 (table names from model metadata only)
            p,
        )
    }
    hasil = dict(
        rows(
            f"""
            SELECT status, count(*) FROM {db_table(UsulanPemutakhiran)}
            WHERE kecamatan_id = ANY(%(kec)s) AND status = ANY(%(hasil)s)
                AND tanggal_hasil >= %(awal)s AND tanggal_hasil < %(akhir)s
            GROUP BY 1
            """,  # noqa: S608 (table names from model metadata only)
            {**p, "hasil": list(STATUS_HASIL)},
        )
    )
    reaktivasi = rows(
        f"""
        SELECT count(*) FROM {db_table(EksporSiksBaris)} b
        JOIN {db_table(Temuan)} t ON t.id = b.temuan_id
        WHERE b.jenis = %(reaktivasi)s AND t.kecamatan_id = ANY(%(kec)s)
            AND b.created_at >= %(awal_w)s AND b.created_at < %(akhir_w)s
        """,  # noqa: S608 (table names from model metadata only)
        {**p, "reaktivasi": EksporSiks.Jenis.REAKTIVASI},
    )[0][0]
    jenis_usulan = list(JenisUsulan)
    status_usulan = list(StatusUsulan)
    usulan_reaktivasi = sum(n for (j, _), n in usulan.items() if j == JenisUsulan.REAKTIVASI_PBIJK)
    area = k.area_filter()
    bulan = k.bulan.strftime("%Y-%m")

    def temuan_url(kolom_bulan: str, kategori: str = "") -> str:
        # Found or closed in the month, whatever their state now (status "semua").
        params = {kolom_bulan: bulan, "kategori": kategori, "status": "semua", **area}
        return url("dtsen:temuan-list", **params)

    kecamatan_id = k.wilayah.pk if k.is_kecamatan else None

    def usulan_url(**params: Any) -> str:
        return UsulanFilter(kecamatan_id=kecamatan_id, **params).url()

    return bagian(
        "dtsen",
        "DTSEN dan PBI-JK",
        angka_list=[
            angka("Snapshot DTSEN diterapkan", snapshot.get(JenisSnapshot.DTSEN, 0)),
            angka("Snapshot PBI-JK diterapkan", snapshot.get(JenisSnapshot.PBIJK, 0)),
            angka("KPM mendapat desil pertama", desil[0]),
            angka("KPM desil turun (lebih miskin)", desil[1]),
            angka("KPM desil naik", desil[2]),
            angka("KPM kehilangan desil", desil[3]),
            angka("Temuan dibuka", sum(v[0] for v in temuan.values()), url=temuan_url("dibuka")),
            angka("Temuan ditutup", sum(v[1] for v in temuan.values()), url=temuan_url("ditutup")),
            angka(
                "Usulan pemutakhiran bulan ini",
                sum(usulan.values()),
                url=usulan_url(bulan=k.bulan),
            ),
            angka(
                "Usulan tercermin di DTSEN",
                hasil.get(StatusUsulan.DITERIMA, 0),
                url=usulan_url(status=StatusUsulan.DITERIMA, hasil=k.bulan),
            ),
            angka(
                "Usulan reaktivasi PBI-JK",
                usulan_reaktivasi,
                url=usulan_url(bulan=k.bulan, jenis=JenisUsulan.REAKTIVASI_PBIJK),
            ),
            angka("Reaktivasi PBI-JK diekspor ke SIKS-NG", reaktivasi),
        ],
        tabel_list=[
            tabel(
                "Temuan rekonsiliasi per kategori",
                [kolom("Kategori", TEKS), kolom("Dibuka"), kolom("Ditutup")],
                [[c.label, *temuan.get(c.value, (0, 0))] for c in Kategori],
                tautan=[
                    ["", temuan_url("dibuka", c.value), temuan_url("ditutup", c.value)]
                    for c in Kategori
                ],
            ),
            tabel(
                "Usulan pemutakhiran bulan ini per jenis dan status",
                [kolom("Jenis", TEKS), *[kolom(s.label) for s in status_usulan]],
                [
                    [j.label, *[usulan.get((j.value, s.value), 0) for s in status_usulan]]
                    for j in jenis_usulan
                ],
                tautan=[
                    [
                        "",
                        *[
                            usulan_url(bulan=k.bulan, jenis=j.value, status=s.value)
                            for s in status_usulan
                        ],
                    ]
                    for j in jenis_usulan
                ],
            ),
            tabel(
                "Hasil usulan yang diketahui bulan ini",
                [kolom("Hasil", TEKS), kolom("Usulan")],
                [[s.label, hasil.get(s.value, 0)] for s in STATUS_HASIL],
                tautan=[["", usulan_url(status=s.value, hasil=k.bulan)] for s in STATUS_HASIL],
            ),
        ],
        grafik_list=[
            grafik(
                "Temuan dibuka per kategori",
                [(c.label, temuan.get(c.value, (0, 0))[0]) for c in Kategori],
            )
        ],
    )


def bagian_pengaduan(k: Konteks) -> dict[str, Any]:
    """Complaints received in the month (the month before, the year to date), answered
    within the first deadline, and closed; each links to the complaint list with the same
    filters (issue 18's definitions)."""
    dasar = Pengaduan.objects.filter(kecamatan_id__in=k.kecamatan_ids)
    bulan = Q(tanggal_terima__gte=k.bulan, tanggal_terima__lt=k.akhir)
    hasil = dasar.aggregate(
        diterima=Count("pk", filter=bulan),
        tepat=Count("pk", filter=bulan & q_dijawab_tepat()),
        ditutup=Count("pk", filter=bulan & Q(status=Pengaduan.Status.DITUTUP)),
        lalu=Count("pk", filter=Q(tanggal_terima__gte=k.awal_lalu, tanggal_terima__lt=k.bulan)),
        tahun=Count("pk", filter=Q(tanggal_terima__gte=k.awal_tahun, tanggal_terima__lt=k.akhir)),
    )
    per_kategori = {
        r["kategori"]: (r["n"], r["tepat"])
        for r in dasar.filter(bulan)
        .values("kategori")
        .annotate(n=Count("pk"), tepat=Count("pk", filter=q_dijawab_tepat()))
        .order_by()
    }
    area = k.wilayah.pk if k.is_kecamatan else None
    f = PengaduanFilter(bulan=k.bulan, kecamatan_id=area)
    kategori = list(Pengaduan.Kategori)
    return bagian(
        "pengaduan",
        "Pengaduan",
        angka_list=[
            angka(
                "Pengaduan diterima",
                hasil["diterima"],
                lalu=hasil["lalu"],
                tahun=hasil["tahun"],
                url=f.url(),
            ),
            angka(
                "Dijawab dalam tenggat",
                hasil["tepat"],
                url=PengaduanFilter(bulan=k.bulan, kecamatan_id=area, is_dijawab_tepat=True).url(),
            ),
            angka(
                "Selesai",
                hasil["ditutup"],
                url=PengaduanFilter(bulan=k.bulan, kecamatan_id=area, is_ditutup=True).url(),
            ),
            angka(
                "Dijawab dalam tenggat (persen)",
                rasio(hasil["tepat"], hasil["diterima"]),
                fmt=PERSEN,
            ),
        ],
        tabel_list=[
            tabel(
                "Pengaduan bulan ini per kategori",
                [kolom("Kategori", TEKS), kolom("Diterima"), kolom("Dijawab dalam tenggat")],
                [[c.label, *per_kategori.get(c.value, (0, 0))] for c in kategori],
                tautan=[
                    [
                        "",
                        PengaduanFilter(bulan=k.bulan, kecamatan_id=area, kategori=c.value).url(),
                        "",
                    ]
                    for c in kategori
                ],
            )
        ],
        grafik_list=[
            grafik(
                "Pengaduan per kategori",
                [(c.label, per_kategori.get(c.value, (0, 0))[0]) for c in kategori],
            )
        ],
    )
