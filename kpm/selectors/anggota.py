"""Reads about the people in a family the caller already accessed: its members, who opened
their records, and everything held about one person (a data-subject request, UU 27/2022)."""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.db.models import Q, QuerySet

from dinsos import hooks, pemrosesan
from dinsos import selectors as dinsos_selectors
from dinsos.models import AuditEvent
from kpm.models import Anggota, Keluarga, Komponen, RiwayatPerubahan
from kpm.selectors.pembatasan import pembatasan_anggota


def anggota_list(*, keluarga: Keluarga) -> QuerySet[Anggota]:
    """Members of a family the caller already accessed, oldest first."""
    return keluarga.anggota.order_by("tanggal_lahir", "pk")


def keluarga_akses(*, keluarga: Keluarga) -> QuerySet[AuditEvent]:
    """Every recorded access to a family and its members (breach notices, DOMAIN.md §10)."""
    member_ids = keluarga.anggota.values_list("pk", flat=True)
    refs = [("kpm.keluarga", str(keluarga.pk))]
    refs += [("kpm.anggota", str(pk)) for pk in member_ids]
    return dinsos_selectors.audit_for_objects(refs=refs)


def anggota_data_subjek(*, anggota: Anggota) -> dict[str, Any]:
    """Everything the portal holds about one person, for a data-subject request (UU 27/2022).

    Apps above kpm add their part through the `data_subjek` hook; a system check fails at
    start when an app that keeps data about a person provides none (dinsos.hooks).
    """
    keluarga = anggota.keluarga
    data: dict[str, Any] = {
        "anggota": {
            "nik": anggota.nik,
            "nama": anggota.nama,
            "jenis_kelamin": anggota.get_jenis_kelamin_display(),
            "tanggal_lahir": anggota.tanggal_lahir.isoformat(),
            "hubungan": anggota.get_hubungan_display(),
            "jenjang_sekolah": anggota.get_jenjang_sekolah_display(),
            "hamil_nifas": anggota.is_hamil,
            "disabilitas_berat": anggota.is_disabilitas_berat,
            "korban_ham": anggota.is_korban_ham,
            "komponen": [Komponen(k).label for k in anggota.komponen],
        },
        "keluarga": {
            "no_kk": keluarga.no_kk,
            "alamat": keluarga.alamat,
            "rt": keluarga.rt,
            "rw": keluarga.rw,
            "kelurahan": keluarga.kelurahan.nama,
            "status": keluarga.get_status_display(),
            "terdaftar_sejak": keluarga.tanggal_terdaftar.isoformat(),
            "desil": keluarga.desil,
            "is_pengurus": keluarga.pengurus_id == anggota.pk,
        },
        "riwayat_perubahan": [
            {"waktu": r.created_at.isoformat(), "oleh": str(r.oleh), "perubahan": r.perubahan}
            for r in RiwayatPerubahan.objects.filter(anggota=anggota).select_related("oleh")
        ],
        "riwayat_status_keluarga": [
            {"waktu": r.created_at.isoformat(), "dari": r.dari, "ke": r.ke, "alasan": r.alasan}
            for r in keluarga.riwayat_status.all()
        ],
        "akses": [
            {
                "waktu": e.created_at.isoformat(),
                "pengguna": e.username,
                "aksi": e.get_action_display(),
                "alasan": e.reason,
            }
            for e in dinsos_selectors.audit_for_objects(
                refs=[("kpm.anggota", str(anggota.pk)), ("kpm.keluarga", str(keluarga.pk))]
            )
        ],
    }
    for provider in hooks.registry.providers(hooks.DATA_SUBJEK):
        data.update(provider(anggota=anggota))
    # Issue 20 (UU 27/2022): the person's restriction requests, and the record of processing
    # activities limited to the data that holds rows about them.
    data["permintaan_pembatasan"] = pembatasan_anggota(anggota=anggota)
    data["catatan_pemrosesan"] = pemrosesan.catatan_subjek(rows_about=_baris_tentang(anggota))
    return data


def _baris_tentang(anggota: Anggota) -> dict[str, int]:
    """Rows each declared model holds about the person: by key to them or their family, or
    by a copied NIK. One count per model; a single person's export, not a list."""
    counts = {Anggota._meta.label: 1, Keluarga._meta.label: 1}
    for model in pemrosesan.project_models():
        if model._meta.label in counts or pemrosesan.deklarasi(model) is None:
            continue
        about = [
            Q(**{name: anggota.pk if label == Anggota._meta.label else anggota.keluarga_id})
            for name, label in pemrosesan.kunci_ke_subjek(model).items()
        ]
        if any(f.name == "nik" for f in model._meta.concrete_fields):
            about.append(Q(nik=anggota.nik))
        if about:
            counts[model._meta.label] = model._default_manager.filter(
                reduce(operator.or_, about)
            ).count()
    return counts
