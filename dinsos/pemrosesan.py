"""Beside the layers: the record of processing activities (RoPA, "Catatan Kegiatan
Pemrosesan", DOMAIN.md §10 "record processing activities"), declared by the models themselves.

Every model that holds personal data carries a class attribute

    PEMROSESAN = Pemrosesan(
        tujuan="…", dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("nik", "nama", "tanggal_lahir"), spesifik={"is_disabilitas_berat": KESEHATAN},
        akses=AKSES_KELUARGA, penerima=(PENERIMA_KEMENSOS,),
    )

and the RoPA page, its XLSX and the data-subject export are generated from those
declarations, so the record cannot drift from the schema. The system check `dinsos.E013`
refuses a model that holds personal data (a foreign key to a family or member, or a NIK /
No KK / birth date / address / phone / e-mail column) without a declaration, and
`dinsos.E014` one whose declaration names a field the model does not have.

Retention is not declared twice: a model listed in `settings.DINSOS_RETENSI` shows the period
`manage.py retensi` enforces; the others show their declared `retensi` text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

from dinsos.ekspor import SafeWorkbook


class Spesifik(StrEnum):
    """Specific (sensitive) personal data. DOMAIN.md §10 names health, child and financial
    data; UU 27/2022 Pasal 4 lists them among the specific data."""

    KESEHATAN = "kesehatan"
    ANAK = "anak"
    KEUANGAN = "keuangan"

    @property
    def label(self) -> str:
        return {
            "kesehatan": "Data kesehatan",
            "anak": "Data anak",
            "keuangan": "Data keuangan pribadi",
        }[self.value]


KESEHATAN = Spesifik.KESEHATAN
ANAK = Spesifik.ANAK
KEUANGAN = Spesifik.KEUANGAN


class DasarHukum(StrEnum):
    """The legal bases for processing personal data (UU 27/2022 Pasal 20 ayat 2)."""

    PERSETUJUAN = "persetujuan"
    PERJANJIAN = "perjanjian"
    KEWAJIBAN_HUKUM = "kewajiban_hukum"
    KEPENTINGAN_VITAL = "kepentingan_vital"
    TUGAS_PUBLIK = "tugas_publik"
    KEPENTINGAN_SAH = "kepentingan_sah"

    @property
    def label(self) -> str:
        return {
            "persetujuan": "Persetujuan subjek data",
            "perjanjian": "Pemenuhan perjanjian",
            "kewajiban_hukum": "Pemenuhan kewajiban hukum",
            "kepentingan_vital": "Pelindungan kepentingan vital subjek data",
            "tugas_publik": "Tugas kepentingan umum / pelayanan publik / kewenangan",
            "kepentingan_sah": "Kepentingan yang sah",
        }[self.value]


# Who may see the rows: the sentences the declarations share, each naming the code that
# enforces it, so the record states what the portal does rather than what it should do.
AKSES_KELUARGA = (
    "Admin: semua; operator dan koordinator: keluarga di kelurahan wilayahnya; pendamping: "
    "keluarga dampingannya (kpm.access.scope_keluarga). Orang yang dibatasi disembunyikan."
)
AKSES_KANTOR = "Admin, operator dan koordinator sesuai wilayahnya; pendamping tidak."
AKSES_ADMIN = "Hanya admin."
AKSES_PETUGAS = "Admin; pengguna yang bersangkutan melihat akunnya sendiri."
PENERIMA_KEMENSOS = "Kementerian Sosial (SIKS-NG / ekspor usulan)"
PENERIMA_RUJUKAN = "Lembaga tujuan rujukan (puskesmas, sekolah, dinas terkait)"
TANPA_PENGHAPUSAN = "Selama keluarga terdaftar; belum ada penghapusan otomatis"


@dataclass(frozen=True)
class Pemrosesan:
    """One model's processing activity: what personal data it keeps, why, on what legal
    basis, for how long, who sees it and who receives it."""

    tujuan: str
    dasar_hukum: DasarHukum
    data: tuple[str, ...]
    spesifik: Mapping[str, Spesifik] = field(default_factory=dict)
    subjek: str = "Anggota keluarga penerima manfaat (KPM)"
    akses: str = AKSES_KELUARGA
    penerima: tuple[str, ...] = ()
    retensi: str = TANPA_PENGHAPUSAN
    # An impact assessment (DPIA) for processing that matches datasets (DOMAIN.md §10).
    dpia: str = ""
    # How people call this data, where the model's verbose name is not Indonesian.
    nama: str = ""


@dataclass(frozen=True)
class BarisCatatan:
    """One line of the record: a model and its declaration, labelled for people."""

    label: str
    aplikasi: str
    nama: str
    data: list[str]
    spesifik: list[str]
    deklarasi: Pemrosesan
    retensi: str
    is_retensi_otomatis: bool

    @property
    def dasar_hukum(self) -> str:
        return self.deklarasi.dasar_hukum.label


# Columns that make a row about a person on their own (the check's second test).
KOLOM_PRIBADI = frozenset({"nik", "no_kk", "tanggal_lahir", "alamat", "telepon", "email", "noka"})
# Models whose rows are people: a foreign key to one of them makes a row personal data.
MODEL_SUBJEK = ("kpm.Keluarga", "kpm.Anggota")


def project_models() -> Iterable[type[models.Model]]:
    """The portal's own models (not Django's, nor third-party apps')."""
    for config in apps.get_app_configs():
        if config.path.startswith(str(settings.BASE_DIR)):
            yield from config.get_models()


def alasan_data_pribadi(model: type[models.Model]) -> str | None:
    """Why `model` holds personal data (a column or a key to a person), or None."""
    subjects = {label.lower() for label in MODEL_SUBJEK}
    if model._meta.label_lower in subjects:
        return "barisnya adalah orang"
    for f in model._meta.get_fields():
        if not getattr(f, "concrete", False):
            continue
        if f.is_relation and f.related_model and f.related_model._meta.label_lower in subjects:
            return f"kunci asing '{f.name}' ke {f.related_model._meta.label}"
        if f.name in KOLOM_PRIBADI:
            return f"kolom '{f.name}'"
    return None


def deklarasi(model: type[models.Model]) -> Pemrosesan | None:
    return getattr(model, "PEMROSESAN", None)


# Field names whose verbose name Django derives from the English name.
LABEL_KOLOM = {
    "nik": "NIK",
    "no_kk": "No KK",
    "rt": "RT",
    "rw": "RW",
    "username": "nama pengguna",
    "ip": "alamat IP",
    "object_repr": "objek (tersamar)",
    "reason": "alasan akses",
    "foto_lat": "lintang foto",
    "foto_lng": "bujur foto",
    "created_at": "waktu dicatat",
}


def _label(model: type[models.Model], name: str) -> str:
    try:
        found = model._meta.get_field(name)
    except LookupError:
        return name
    verbose = str(getattr(found, "verbose_name", name))
    derived = verbose == name.replace("_", " ")
    return LABEL_KOLOM.get(name, verbose) if derived else verbose


def retensi_text(model: type[models.Model], declared: Pemrosesan) -> tuple[str, bool]:
    """The retention the portal enforces (settings.DINSOS_RETENSI) or the declared text."""
    setting = settings.DINSOS_RETENSI.get(model._meta.label)
    if setting is None:
        return declared.retensi, False
    field_name, days = setting
    return (
        f"{days} hari sejak {_label(model, field_name)}; dihapus tiap malam (manage.py retensi)",
        True,
    )


def catatan() -> list[BarisCatatan]:
    """Every declared processing activity, by app then model name."""
    rows = []
    for model in project_models():
        declared = deklarasi(model)
        if declared is None:
            continue
        retensi, otomatis = retensi_text(model, declared)
        rows.append(
            BarisCatatan(
                label=model._meta.label,
                aplikasi=str(apps.get_app_config(model._meta.app_label).verbose_name),
                nama=declared.nama or str(model._meta.verbose_name_plural),
                data=[_label(model, n) for n in declared.data],
                spesifik=[f"{_label(model, n)} ({k.label})" for n, k in declared.spesifik.items()],
                deklarasi=declared,
                retensi=retensi,
                is_retensi_otomatis=otomatis,
            )
        )
    return sorted(rows, key=lambda r: (r.aplikasi, r.nama))


def catatan_subjek(*, rows_about: Mapping[str, int]) -> list[dict[str, Any]]:
    """The record's lines for one person's data-subject export: each declared model with
    how many rows it holds about them (`rows_about`: model label → count)."""
    return [
        {
            "data": r.nama,
            "jumlah_baris": rows_about[r.label],
            "tujuan": r.deklarasi.tujuan,
            "dasar_hukum": r.dasar_hukum,
            "data_spesifik": r.spesifik,
            "retensi": r.retensi,
            "akses": r.deklarasi.akses,
            "penerima": list(r.deklarasi.penerima),
        }
        for r in catatan()
        if rows_about.get(r.label)
    ]


def kunci_ke_subjek(model: type[models.Model]) -> dict[str, str]:
    """The model's foreign keys to a family or member: field name → subject label."""
    subjects = {label.lower(): label for label in MODEL_SUBJEK}
    return {
        f.name: subjects[f.related_model._meta.label_lower]
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False)
        and f.is_relation
        and f.related_model
        and f.related_model._meta.label_lower in subjects
    }


KOLOM_XLSX = (
    "Aplikasi",
    "Data",
    "Model",
    "Subjek data",
    "Data pribadi",
    "Data spesifik (UU 27/2022 Pasal 4)",
    "Tujuan",
    "Dasar hukum",
    "Retensi",
    "Yang dapat melihat",
    "Penerima / transfer",
    "Penilaian dampak (DPIA)",
)


def catatan_xlsx(rows: Sequence[BarisCatatan]) -> bytes:
    """The record as one sheet, through the safe-cell writer."""
    workbook = SafeWorkbook()
    sheet = workbook.add_sheet("Catatan pemrosesan", freeze="A2")
    sheet.append(KOLOM_XLSX, bold=True)
    for r in rows:
        d = r.deklarasi
        sheet.append(
            [
                r.aplikasi,
                r.nama,
                r.label,
                d.subjek,
                ", ".join(r.data),
                ", ".join(r.spesifik) or "—",
                d.tujuan,
                r.dasar_hukum,
                r.retensi,
                d.akses,
                "; ".join(d.penerima) or "Tidak ada",
                d.dpia or "—",
            ]
        )
    return workbook.to_bytes()


CARA_DEKLARASI = (
    "Tambahkan atribut kelas PEMROSESAN = Pemrosesan(tujuan=..., dasar_hukum=DasarHukum...., "
    "data=(kolom data pribadi...), spesifik={kolom: KESEHATAN|ANAK|KEUANGAN}, akses=..., "
    "penerima=(...)) dari dinsos.pemrosesan pada model itu (contoh: kpm.models.Anggota); "
    "halaman Catatan Kegiatan Pemrosesan dibangun darinya."
)


@checks.register()
def check_pemrosesan(**kwargs: Any) -> list[checks.CheckMessage]:
    """Every model holding personal data declares its processing; declared fields exist."""
    errors: list[checks.CheckMessage] = []
    for model in project_models():
        declared = deklarasi(model)
        if declared is None:
            if reason := alasan_data_pribadi(model):
                errors.append(
                    checks.Error(
                        f"Model {model._meta.label} menyimpan data pribadi ({reason}) tetapi "
                        "tidak menyatakan pemrosesannya (UU 27/2022, DOMAIN.md §10).",
                        hint=CARA_DEKLARASI,
                        obj=model,
                        id="dinsos.E013",
                    )
                )
            continue
        if not isinstance(declared, Pemrosesan):
            errors.append(
                checks.Error(
                    f"{model._meta.label}.PEMROSESAN bukan Pemrosesan.",
                    hint=CARA_DEKLARASI,
                    obj=model,
                    id="dinsos.E014",
                )
            )
            continue
        names = {f.name for f in model._meta.get_fields()}
        for name in sorted({*declared.data, *declared.spesifik} - names):
            errors.append(
                checks.Error(
                    f"{model._meta.label}.PEMROSESAN menyebut kolom '{name}' yang tidak ada.",
                    hint="Sesuaikan deklarasi dengan kolom model.",
                    obj=model,
                    id="dinsos.E014",
                )
            )
    return errors


@dataclass(frozen=True)
class Dpia:
    """One impact assessment and the data it covers."""

    catatan: str
    data: list[str]


def dpia_list(rows: Sequence[BarisCatatan]) -> list[Dpia]:
    """The declared impact assessments, each with the data it covers, in record order."""
    found: dict[str, list[str]] = {}
    for r in rows:
        if r.deklarasi.dpia:
            found.setdefault(r.deklarasi.dpia, []).append(r.nama)
    return [Dpia(catatan=text, data=names) for text, names in found.items()]
