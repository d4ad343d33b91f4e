"""Reads about the people in a family the caller already accessed: its members, who opened
their records, and everything held about one person (a data-subject request, UU 27/2022)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from dinsos.models import AuditEvent
from kpm.models import Anggota, Keluarga, Komponen, RiwayatPerubahan


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
    return data
