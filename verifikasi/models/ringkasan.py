"""The Sekolah Rakyat candidate summary (issue 21): who is a candidate on a reference date.

Finding the candidates means an age on the reference date for every child of a desil 1–3
family and, for DTSEN children, an anti-join of a million-row snapshot against every KPM
member; at province scale that is ~0,7 s of work, done on every view and export. Kept by
`verifikasi.services.sekolah_rakyat` instead: one set-based statement per source writes
the candidates of one reference date with their level, age, desil and place in the list;
the pages read these rows and join what changes by the minute (visits, quotas, the user's
scope, restriction requests) live.
"""

from __future__ import annotations

from django.db import models

from dinsos.models import User, Wilayah
from dinsos.pemrosesan import ANAK, KEUANGAN, DasarHukum, Pemrosesan
from kpm.models import Anggota, Keluarga


class RingkasanSekolahRakyat(models.Model):
    """One computation of the candidates of one reference date (`BarisSekolahRakyat` rows).

    Computed again when a write marks it `is_basi` (a DTSEN/PBI-JK snapshot applied or
    undone), when the settings it was computed under (`sidik`: age windows, desil bounds)
    no longer hold, or when it is older than the setting `ringkasan_umur_menit`; Celery beat
    keeps the default reference date's fresh every 5 minutes.
    """

    tanggal_acuan = models.DateField("umur per tanggal", unique=True)
    sidik = models.CharField("sidik aturan", max_length=64)
    is_basi = models.BooleanField("perlu dihitung ulang", default=False)
    dihitung_pada = models.DateTimeField("dihitung pada")
    # Desil 1–2 candidates per level over the whole office (KPM and DTSEN), counted when
    # computed: what the intake's seats are compared with (issue 20, D5).
    utama = models.JSONField("kandidat desil 1–2 per jenjang", default=dict)

    class Meta:
        ordering = ["tanggal_acuan"]
        verbose_name = "ringkasan kandidat Sekolah Rakyat"
        verbose_name_plural = "ringkasan kandidat Sekolah Rakyat"

    def __str__(self) -> str:
        return f"Kandidat Sekolah Rakyat per {self.tanggal_acuan:%d-%m-%Y}"


class BarisSekolahRakyat(models.Model):
    """One candidate in a summary: a KPM member (`anggota`, shown from the live member and
    family) or a DTSEN child outside KPM (a copy of the snapshot row, which never changes
    while its snapshot stays applied). `urutan` is the place in the list's order (reserve
    last, then desil, kelurahan, name), per source."""

    class Sumber(models.TextChoices):
        KPM = "kpm", "Anggota KPM"
        DTSEN = "dtsen", "DTSEN, bukan KPM"

    # No database foreign keys to members and families: deleting a member must not wait on
    # a summary row; a row whose member is gone drops out of the join (and of the counts).
    ringkasan = models.ForeignKey(
        RingkasanSekolahRakyat, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sumber = models.CharField(max_length=5, choices=Sumber)
    urutan = models.PositiveIntegerField()
    anggota = models.ForeignKey(
        Anggota,
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        db_index=False,
        related_name="ringkasan_sekolah_rakyat",
    )
    keluarga = models.ForeignKey(
        Keluarga,
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # KPM rows: the family's pendamping when computed (with `kelurahan`, the list's scope,
    # filters and per-pendamping counts read these copies; restrictions are read live).
    pendamping = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # DTSEN rows: the snapshot row's id (dtsen is above verifikasi; no key) and its data.
    dtsen_baris = models.BigIntegerField(null=True)
    nik = models.CharField("NIK", max_length=16, blank=True)
    no_kk = models.CharField("No KK", max_length=16, blank=True)
    nama = models.TextField(blank=True)
    tanggal_lahir = models.DateField(null=True)
    jenis_kelamin = models.CharField(max_length=1, blank=True)
    kelurahan = models.ForeignKey(
        Wilayah, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    desil = models.PositiveSmallIntegerField()
    jenjang = models.CharField(max_length=3)  # a KandidatSekolahRakyat.Jenjang value
    umur = models.PositiveSmallIntegerField()
    is_cadangan = models.BooleanField()

    PEMROSESAN = Pemrosesan(
        tujuan=(
            "Ringkasan kandidat Sekolah Rakyat per tanggal acuan, agar daftar dan ekspornya "
            "cepat (DOMAIN.md §9; issue 21)."
        ),
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=(
            "anggota",
            "keluarga",
            "nik",
            "no_kk",
            "nama",
            "tanggal_lahir",
            "jenis_kelamin",
            "desil",
            "jenjang",
            "umur",
        ),
        spesifik={"tanggal_lahir": ANAK, "umur": ANAK, "jenjang": ANAK, "desil": KEUANGAN},
        subjek="Anak dari keluarga KPM dan anak dalam DTSEN di luar KPM",
        akses=(
            "Anak KPM: seperti keluarganya (kpm.access.scope_keluarga); anak DTSEN di luar KPM: "
            "admin, operator dan koordinator sesuai wilayahnya, pendamping tidak. Orang yang "
            "dibatasi disembunyikan."
        ),
        retensi=(
            "Diganti setiap kali dihitung ulang (paling lama sesuai pengaturan "
            "ringkasan_umur_menit); ringkasan tanggal acuan selain tahun ajaran berikutnya "
            "dihapus setelahnya"
        ),
        nama="ringkasan kandidat Sekolah Rakyat",
    )

    class Meta:
        ordering = ["ringkasan_id", "sumber", "urutan"]
        verbose_name = "baris ringkasan Sekolah Rakyat"
        verbose_name_plural = "baris ringkasan Sekolah Rakyat"
        constraints = [
            models.UniqueConstraint(
                fields=["ringkasan", "sumber", "urutan"], name="sekolah_rakyat_baris_urutan"
            ),
            models.UniqueConstraint(
                fields=["ringkasan", "anggota"], name="sekolah_rakyat_baris_anggota"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_sumber_display()} #{self.urutan}"
