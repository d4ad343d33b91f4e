"""Issue 13 moved five models from kpm to verifikasi without touching a table: a database
that holds rows under the old layout keeps every one of them, and the content types (with
the permissions granted on them) follow the models."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import keluarga_with_pengurus
from verifikasi.models import Graduasi, KandidatSekolahRakyat, Komitmen, UnggahanEpkh, Usulan

BEFORE_MOVE = [("kpm", "0007_perubahan_desil")]
MOVED = ("komitmen", "unggahanepkh", "usulan", "graduasi", "kandidatsekolahrakyat")


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # read the applied migrations again
    return executor


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _insert_under_old_layout(apps, *, keluarga, anak, user) -> dict[str, int]:
    """One row in every moved table through the models as kpm knew them; their ids."""
    komitmen = apps.get_model("kpm", "Komitmen").objects.create(
        anggota_id=anak.pk,
        keluarga_id=keluarga.pk,
        komponen="anak_sd",
        bulan=datetime.date(2025, 3, 1),
        status="tidak_patuh",
        persen_kehadiran=Decimal("62.50"),
        catatan="Sering bolos",
        recorded_by_id=user.pk,
    )
    unggahan = apps.get_model("kpm", "UnggahanEpkh").objects.create(
        diunggah_oleh_id=user.pk, tahun=2025, isi=b"NIK;NAMA\n"
    )
    usulan = apps.get_model("kpm", "Usulan").objects.create(
        keluarga_id=keluarga.pk,
        jenis="komitmen",
        kunci="2025-01",
        alasan={"bulan": ["2025-01", "2025-02", "2025-03"]},
        ringkasan="Tidak patuh komitmen 3 bulan berturut-turut.",
        periode_awal=datetime.date(2025, 1, 1),
        periode_akhir=datetime.date(2025, 3, 31),
    )
    graduasi = apps.get_model("kpm", "Graduasi").objects.create(
        keluarga_id=keluarga.pk,
        jenis="mandiri",
        alasan="Usaha warung berjalan",
        bukti="kpm/graduasi/2025/surat.pdf",
        tanggal_usulan=datetime.date(2025, 4, 2),
        diusulkan_oleh_id=user.pk,
    )
    kandidat = apps.get_model("kpm", "KandidatSekolahRakyat").objects.create(
        anggota_id=anak.pk,
        keluarga_id=keluarga.pk,
        tahun_ajaran=2025,
        tanggal_acuan=datetime.date(2025, 7, 1),
        jenjang="smp",
        umur=13,
        desil=1,
        status="tidak_ditemui",
        dicatat_oleh_id=user.pk,
    )
    return {
        "komitmen": komitmen.pk,
        "unggahanepkh": unggahan.pk,
        "usulan": usulan.pk,
        "graduasi": graduasi.pk,
        "kandidatsekolahrakyat": kandidat.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_rows_and_content_types_survive_the_move_to_verifikasi(kota_metro, pendamping_hadimulyo):
    # given: a database just before the move, with a row in every moved table
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    anak = keluarga.pengurus
    try:
        executor = _migrate(BEFORE_MOVE)
        old_apps = executor.loader.project_state(BEFORE_MOVE).apps
        with pytest.raises(LookupError):
            old_apps.get_model("verifikasi", "Komitmen")
        ids = _insert_under_old_layout(
            old_apps, keluarga=keluarga, anak=anak, user=pendamping_hadimulyo
        )
        old_types = old_apps.get_model("contenttypes", "ContentType").objects
        type_ids = {m: old_types.get(app_label="kpm", model=m).pk for m in MOVED}
        permission_ids = {
            m: old_apps.get_model("auth", "Permission")
            .objects.get(content_type_id=type_ids[m], codename=f"view_{m}")
            .pk
            for m in MOVED
        }
    finally:
        # when: forward to the latest state (also what every other test expects to find)
        _migrate_to_latest()

    # then: every row is found through the new models, with its values
    komitmen = Komitmen.objects.get(pk=ids["komitmen"])
    assert (komitmen.anggota_id, komitmen.keluarga_id, komitmen.bulan) == (
        anak.pk,
        keluarga.pk,
        datetime.date(2025, 3, 1),
    )
    assert (komitmen.status, komitmen.persen_kehadiran, komitmen.catatan) == (
        Komitmen.Status.TIDAK_PATUH,
        Decimal("62.50"),
        "Sering bolos",
    )
    assert bytes(UnggahanEpkh.objects.get(pk=ids["unggahanepkh"]).isi) == b"NIK;NAMA\n"
    usulan = Usulan.objects.get(pk=ids["usulan"])
    assert (usulan.keluarga_id, usulan.kunci, usulan.status) == (
        keluarga.pk,
        "2025-01",
        "diusulkan",
    )
    assert usulan.alasan == {"bulan": ["2025-01", "2025-02", "2025-03"]}
    graduasi = Graduasi.objects.get(pk=ids["graduasi"])
    assert (graduasi.keluarga_id, graduasi.status, graduasi.bukti.name) == (
        keluarga.pk,
        Graduasi.Status.DIUSULKAN,
        "kpm/graduasi/2025/surat.pdf",
    )
    kandidat = KandidatSekolahRakyat.objects.get(pk=ids["kandidatsekolahrakyat"])
    assert (kandidat.anggota_id, kandidat.jenjang, kandidat.status) == (
        anak.pk,
        "smp",
        KandidatSekolahRakyat.Status.TIDAK_DITEMUI,
    )
    # the family's reverse relations still reach the moved rows
    assert list(keluarga.komitmen.values_list("pk", flat=True)) == [ids["komitmen"]]
    assert list(keluarga.graduasi.values_list("pk", flat=True)) == [ids["graduasi"]]

    # and the content types were renamed, not recreated: same ids, same permissions
    for model in MOVED:
        content_type = ContentType.objects.get(app_label="verifikasi", model=model)
        assert content_type.pk == type_ids[model], model
        permission = Permission.objects.get(pk=permission_ids[model])
        assert permission.content_type_id == content_type.pk
    assert not ContentType.objects.filter(app_label="kpm", model__in=MOVED).exists()
    assert ContentType.objects.get_for_model(Komitmen).pk == type_ids["komitmen"]
