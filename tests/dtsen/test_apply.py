"""Applying a snapshot: one transaction, history kept, KPM desil as of the snapshot date."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection

from dinsos.errors import DomainError
from dinsos.models import AuditEvent
from dtsen import services
from dtsen.models import Jenis, Snapshot
from kpm.models import Keluarga, PerubahanDesil
from tests.dtsen.conftest import make_no_kk, orang, write_csv
from tests.factories import KeluargaFactory

pytestmark = pytest.mark.django_db
JUNI = datetime.date(2025, 6, 30)
SEPTEMBER = datetime.date(2025, 9, 30)


@pytest.fixture
def keluarga(kota_metro):
    """Three KPM families in Hadimulyo Barat: KK 1 and KK 2 are in the files, KK 3 is not."""
    kelurahan = kota_metro["Hadimulyo Barat"]
    return {
        n: KeluargaFactory(no_kk=make_no_kk(n), kelurahan=kelurahan, desil=9 if n == 3 else None)
        for n in (1, 2, 3)
    }


def _desil(keluarga):
    return {
        n: (k.desil, k.desil_per)
        for n, k in ((n, Keluarga.objects.get(pk=k.pk)) for n, k in keluarga.items())
    }


def test_apply_makes_the_snapshot_active_and_updates_kpm_desil(muat, tmp_path, admin, keluarga):
    # given: KK 1 (two members, desil 2), KK 2 (no desil yet), KK 3 absent
    rows = [orang(1, kk=1, desil="2"), orang(2, kk=1, desil="2"), orang(3, kk=2, desil="")]
    snapshot = muat(write_csv(tmp_path / "juni.csv", rows), tanggal=JUNI)
    # when
    changed = services.snapshot_apply(snapshot=snapshot, applied_by=admin)
    # then
    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.DITERAPKAN
    assert (snapshot.applied_by, snapshot.applied_at is not None) == (admin, True)
    assert _desil(keluarga) == {1: (2, JUNI), 2: (None, JUNI), 3: (None, JUNI)}
    assert changed == 3
    event = AuditEvent.objects.get(action=AuditEvent.Action.APPLY)
    assert (event.user, event.object_id, event.jumlah) == (admin, str(snapshot.pk), 3)


def test_apply_logs_each_familys_old_and_new_desil_for_undo(muat, tmp_path, admin, keluarga):
    # given: KK 1 gets desil 2, KK 3 (desil 9) is missing from the file, KK 2 gets none
    rows = [orang(1, kk=1, desil="2"), orang(3, kk=2, desil="")]
    snapshot = muat(write_csv(tmp_path / "juni.csv", rows), tanggal=JUNI)
    # when
    services.snapshot_apply(snapshot=snapshot, applied_by=admin)
    # then: one row per family changed, written by the same apply
    log = {
        p.keluarga_id: (p.desil_lama, p.desil_per_lama, p.desil_baru, p.desil_per_baru)
        for p in PerubahanDesil.objects.filter(sumber=snapshot.penerapan.get().sumber)
    }
    assert log == {
        keluarga[1].pk: (None, None, 2, JUNI),
        keluarga[2].pk: (None, None, None, JUNI),
        keluarga[3].pk: (9, None, None, JUNI),
    }


def test_the_previous_snapshot_stays_as_history(muat, tmp_path, admin, keluarga):
    # given: June applied, September loaded
    juni = muat(write_csv(tmp_path / "juni.csv", [orang(1, kk=1, desil="2")]), tanggal=JUNI)
    services.snapshot_apply(snapshot=juni, applied_by=admin)
    september = muat(
        write_csv(tmp_path / "sept.csv", [orang(1, kk=1, desil="6")]), tanggal=SEPTEMBER
    )
    # when
    services.snapshot_apply(snapshot=september, applied_by=admin)
    # then
    juni.refresh_from_db()
    september.refresh_from_db()
    assert (juni.status, september.status) == (Snapshot.Status.RIWAYAT, Snapshot.Status.DITERAPKAN)
    assert _desil(keluarga)[1] == (6, SEPTEMBER)


def test_a_failure_mid_apply_leaves_the_old_snapshot_active(muat, tmp_path, admin, keluarga):
    # given: June is active; the database refuses any family update during September's apply
    juni = muat(write_csv(tmp_path / "juni.csv", [orang(1, kk=1, desil="2")]), tanggal=JUNI)
    services.snapshot_apply(snapshot=juni, applied_by=admin)
    september = muat(
        write_csv(tmp_path / "sept.csv", [orang(1, kk=1, desil="6")]), tanggal=SEPTEMBER
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION uji_tolak() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'disk penuh (uji)'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER uji_tolak BEFORE UPDATE ON kpm_keluarga
            FOR EACH ROW EXECUTE FUNCTION uji_tolak();
            """
        )
    # when
    with pytest.raises(DatabaseError, match="disk penuh"):
        services.snapshot_apply(snapshot=september, applied_by=admin)
    # then
    juni.refresh_from_db()
    september.refresh_from_db()
    assert (juni.status, september.status) == (
        Snapshot.Status.DITERAPKAN,
        Snapshot.Status.SIAP_DITINJAU,
    )
    assert _desil(keluarga)[1] == (2, JUNI)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.APPLY).count() == 1


def test_an_older_snapshot_cannot_replace_a_newer_one(muat, tmp_path, admin, keluarga):
    september = muat(write_csv(tmp_path / "s.csv", [orang(1, kk=1)]), tanggal=SEPTEMBER)
    services.snapshot_apply(snapshot=september, applied_by=admin)
    juni = muat(write_csv(tmp_path / "j.csv", [orang(2, kk=1)]), tanggal=JUNI)
    with pytest.raises(DomainError) as error:
        services.snapshot_apply(snapshot=juni, applied_by=admin)
    assert error.value.message == (
        "Data snapshot ini (per 30 Juni 2025) lebih lama daripada snapshot aktif "
        "(per 30 September 2025)."
    )


def test_a_snapshot_is_applied_once(muat, tmp_path, admin, keluarga):
    snapshot = muat(write_csv(tmp_path / "s.csv", [orang(1, kk=1)]))
    services.snapshot_apply(snapshot=snapshot, applied_by=admin)
    with pytest.raises(DomainError) as error:
        services.snapshot_apply(snapshot=snapshot, applied_by=admin)
    assert error.value.message == "Snapshot ini tidak bisa diterapkan (status: Aktif)."


def test_a_pbijk_snapshot_leaves_kpm_desil_alone(muat, tmp_path, admin, keluarga):
    headers = ["NIK", "NAMA", "KODE DESA", "DESIL"]
    row = orang(1)
    path = write_csv(tmp_path / "p.csv", [[row[0], row[1], row[9], "1"]], headers=headers)
    snapshot = muat(path, jenis=Jenis.PBIJK)
    assert services.snapshot_apply(snapshot=snapshot, applied_by=admin) == 0
    assert _desil(keluarga)[3] == (9, None)
