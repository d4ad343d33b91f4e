"""The typed hooks (dinsos/hooks.py): apps above kpm contribute through them, a system check
refuses a provider that does not fit or an app that keeps personal data without answering a
data-subject request, and one person's export holds rows from every app."""

from __future__ import annotations

import datetime
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files import File
from django.urls import reverse

from dinsos import hooks
from dinsos.models import User, Wilayah
from dtsen import services as dtsen_services
from dtsen.models import Jenis
from kpm.models import Anggota, Keluarga, Komponen
from p2k2.models import Sesi
from pendamping import services as pendamping_services
from pendamping.models import Kasus, Kunjungan, Pendamping, Rujukan
from tests.dtsen.conftest import TANGGAL_DATA, orang, write_csv
from tests.factories import keluarga_with_pengurus
from tests.p2k2.conftest import buat_kelompok, buat_pertemuan, catat
from verifikasi.models import Komitmen

_kurikulum = importlib.import_module("p2k2.migrations.0002_kurikulum_awal")


def _codes(errors: list[object]) -> list[tuple[str, str]]:
    return [(e.id, e.msg) for e in errors]  # type: ignore[attr-defined]


def test_the_project_as_installed_passes_the_hook_check() -> None:
    assert hooks.check_hooks() == []


def test_every_app_that_keeps_personal_data_answers_the_data_subject_hook() -> None:
    providing = {r.app_label for r in hooks.registry.registrations(hooks.DATA_SUBJEK)}
    assert providing >= {"pendamping", "p2k2", "dtsen", "pengaduan"}


def test_a_provider_without_the_hooks_parameters_fails_the_check() -> None:
    def panel_lama(keluarga: object) -> hooks.Panel:  # no `user`
        return hooks.Panel(judul="x", template="x.html")

    with hooks.registry.override(hooks.PANEL_KELUARGA, [panel_lama]):
        errors = _codes(hooks.check_hooks())
    assert errors == [
        (
            "dinsos.E010",
            "Penyedia hook 'panel_keluarga' tests.dinsos.test_hooks."
            "test_a_provider_without_the_hooks_parameters_fails_the_check.<locals>.panel_lama: "
            "parameter 'user' tidak ada.",
        )
    ]


def test_a_required_hook_without_providers_fails_the_check() -> None:
    with hooks.registry.override(hooks.PELANGGARAN_KOMITMEN, []):
        errors = _codes(hooks.check_hooks())
    assert errors == [("dinsos.E011", "Hook 'pelanggaran_komitmen' tidak punya penyedia.")]


def test_an_app_with_personal_data_and_no_data_subject_provider_fails_the_check() -> None:
    # given: p2k2 keeps attendance per family but its provider is gone
    others = [
        r.provider for r in hooks.registry.registrations(hooks.DATA_SUBJEK) if r.app_label != "p2k2"
    ]
    # when
    with hooks.registry.override(hooks.DATA_SUBJEK, others):
        errors = _codes(hooks.check_hooks())
    # then
    assert errors == [
        (
            "dinsos.E012",
            "Aplikasi 'p2k2' menyimpan data orang tetapi tidak mendaftarkan hook 'data_subjek'.",
        )
    ]


def test_a_keyed_hook_needs_a_key() -> None:
    with pytest.raises(ValueError, match="rhk_pendamping"):
        hooks.registry.register(hooks.RHK_PENDAMPING, lambda start, end: None)


def test_a_data_subject_export_holds_the_persons_rows_from_every_app(
    client,
    admin: User,
    pendamping_hadimulyo: User,
    kota_metro: dict[str, Wilayah],
    tmp_path: Path,
) -> None:
    # given: one person whose family has records in every app
    _kurikulum.seed(apps, None)
    hadimulyo = kota_metro["Hadimulyo Barat"]
    keluarga: Keluarga = keluarga_with_pengurus(
        kelurahan=hadimulyo,
        pendamping=pendamping_hadimulyo,
        pengurus_nama="Siti Aminah",
        pengurus_tanggal_lahir=datetime.date(1980, 5, 17),
        pengurus_jenis_kelamin="P",
    )
    anggota: Anggota = keluarga.pengurus  # type: ignore[assignment]
    profil = pendamping_services.pendamping_create(
        nama="Ani Pendamping",
        jenis=Pendamping.Jenis.PKH,
        mulai=datetime.date(2024, 1, 1),
        wilayah=[hadimulyo],
        user=pendamping_hadimulyo,
        is_wilayah_sulit=False,
    )
    kasus = Kasus.objects.create(
        keluarga=keluarga,
        pendamping=profil,
        tanggal_lapor=datetime.date(2025, 3, 1),
        kategori=Kasus.Kategori.values[0],
        deskripsi="Anak putus sekolah",
        dicatat_oleh=admin,
    )
    Rujukan.objects.create(
        keluarga=keluarga,
        pendamping=profil,
        kasus=kasus,
        tujuan=Rujukan.Tujuan.values[0],
        tanggal_kirim=datetime.date(2025, 3, 2),
        dicatat_oleh=admin,
    )
    Kunjungan.objects.create(
        keluarga=keluarga,
        pendamping=profil,
        tanggal=datetime.date(2025, 3, 3),
        catatan="Kunjungan rumah",
        dicatat_oleh=admin,
    )
    kelompok = buat_kelompok(pendamping_hadimulyo, hadimulyo, [keluarga])
    catat(
        buat_pertemuan(kelompok, sesi_obj=Sesi.objects.order_by("pk").first()), {keluarga: "alfa"}
    )
    Komitmen.objects.create(
        anggota=anggota,
        keluarga=keluarga,
        komponen=Komponen.values[0],
        bulan=datetime.date(2025, 3, 1),
        status=Komitmen.Status.PATUH,
        recorded_by=admin,
    )
    row = orang(1, lahir=datetime.date(1980, 5, 17), kelamin="2", nama="SITI AMINAH")
    row[0] = anggota.nik
    path = write_csv(tmp_path / "dtsen.csv", [row])
    with path.open("rb") as handle:
        snapshot = dtsen_services.snapshot_create(
            jenis=Jenis.DTSEN,
            tanggal_data=TANGGAL_DATA,
            wilayah=kota_metro["Kota Metro"],
            file=File(handle, name=path.name),
            nama_file=path.name,
            created_by=admin,
        )
    dtsen_services.snapshot_load_rows(snapshot_id=snapshot.pk, abaikan_kolom_tak_dikenal=False)

    # when
    client.force_login(admin)
    response = client.post(
        reverse("kpm:anggota-data-subjek", args=[anggota.pk]), {"alasan": "Surat 1/2026"}
    )

    # then: a section from every app, each with the person's row
    data = response.json()
    assert [r["deskripsi"] for r in data["kasus"]] == ["Anak putus sekolah"]
    assert [r["tanggal_kirim"] for r in data["rujukan"]] == ["2025-03-02"]
    assert [r["catatan"] for r in data["kunjungan"]] == ["Kunjungan rumah"]
    assert [r["status"] for r in data["kehadiran_p2k2"]] == ["alfa"]
    assert [r["kelompok_nama"] for r in data["kelompok_p2k2"]] == ["Melati"]
    assert [(r["nik"], r["nama"]) for r in data["dtsen"]] == [(anggota.nik, "SITI AMINAH")]
    assert [(r["bulan"], r["status"]) for r in data["komitmen"]] == [("2025-03-01", "patuh")]
