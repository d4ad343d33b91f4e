"""A restricted person vanishes everywhere (issue 20; UU 27/2022; DOMAIN.md §10).

On the world of tests/dinsos/test_ekspor_aman.py (every kind of export has data), three
families ask for a restriction: the Sekolah Rakyat family, the KPM family of the DTSEN
finding sent to SIKS-NG and proposed for deactivation, and a P2K2 family. Then every export
the URL resolver exposes is downloaded and every list page opened as each office persona:
none of their NIKs, No KKs or names may appear. Only their own data-subject export holds them.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from dtsen.models import EksporSiks, Temuan
from kpm import services
from kpm.models import Anggota, Keluarga, PermintaanPembatasan
from p2k2.models import Kehadiran
from pemutakhiran.models import BatchSiks
from tests.dinsos.test_ekspor_aman import EXPORTS, _body, _cells, _url_names, dunia  # noqa: F401
from tests.dtsen.conftest import muat  # noqa: F401  (fixtures of the world)
from tests.p2k2.conftest import kurikulum  # noqa: F401

pytestmark = pytest.mark.django_db

NAMA = "Warga Dibatasi"
# The subject's own export is the one place their data must be (UU 27/2022 access right).
MILIK_SUBJEK = {"kpm:anggota-data-subjek"}


def _batasi(world, admin) -> frozenset[str]:
    """Restrict the three families; rename their members; return what must never show."""
    sr = world["anak"].keluarga
    temuan = Temuan.objects.filter(kategori="desil_di_atas_pkh").exclude(keluarga=None).first()
    p2k2 = Kehadiran.objects.filter(pertemuan=world["pertemuan"]).order_by("pk").first()
    families = [sr, temuan.keluarga, p2k2.keluarga]
    for i, keluarga in enumerate(families):
        services.pembatasan_catat(
            keluarga=keluarga, anggota=None, jenis=PermintaanPembatasan.Jenis.PEMBATASAN,
            diterima_at=timezone.now(), dasar="Surat permohonan", oleh=admin,
        )  # fmt: skip
        Anggota.objects.filter(keluarga=keluarga).update(nama=f"{NAMA} {i}")
    members = Anggota.objects.filter(keluarga__in=families)
    return frozenset(
        [*members.values_list("nik", flat=True), *(k.no_kk for k in families)]
    ) | frozenset(members.values_list("nama", flat=True))


def test_restricted_people_appear_in_no_export_and_no_list(
    dunia,  # noqa: F811
    admin,
    operator,
    koordinator_metro_pusat,
    pendamping_hadimulyo,
):
    # given
    hidden = _batasi(dunia, admin)
    assert Keluarga.objects.filter(anggota__nama__startswith=NAMA).distinct().count() == 3
    personas = {
        "admin": admin,
        "operator": operator,
        "koordinator": koordinator_metro_pusat,
        "pendamping": pendamping_hadimulyo,
    }
    found: dict[str, list[str]] = {}
    nothing_to_export = set()
    # when: every export
    for name, (download, _payloads) in EXPORTS.items():
        if name in MILIK_SUBJEK:
            continue
        try:
            response = download(Client(), dunia, personas)
        except (EksporSiks.DoesNotExist, BatchSiks.DoesNotExist, AssertionError):
            nothing_to_export.add(name)
            continue
        if response.status_code != 200:
            nothing_to_export.add(name)
            continue
        text = " ".join(str(value) for _, value, _ in _cells(response))
        if leaked := sorted(h for h in hidden if h in text):
            found[name] = leaked
    # (the SIKS-NG lists and the proposal batch held only restricted people: no file at all)
    assert nothing_to_export == {
        "dtsen:siks-export",
        "dtsen:siks-download",
        "pemutakhiran:batch-ekspor",
        "pemutakhiran:batch-unduh",
    }
    # and every list page (no arguments), as each office persona
    names = [n for n in _url_names(get_resolver().url_patterns) if n.endswith("list")]
    for persona, user in personas.items():
        client = Client()
        client.force_login(user)
        for name in names:
            response = client.get(reverse(name))
            if response.status_code != 200 or response.streaming:
                continue
            html = _body(response).decode()
            if leaked := sorted(h for h in hidden if h in html):
                found[f"{persona} {name}"] = leaked
    # then
    assert found == {}


def test_a_search_by_a_restricted_nik_finds_nothing(client, dunia, admin):  # noqa: F811
    # given
    _batasi(dunia, admin)
    nik = dunia["anak"].nik
    client.force_login(admin)
    # when
    response = client.post(reverse("kpm:keluarga-list"), {"q": nik}, follow=True)
    # then
    assert response.context["page"].paginator.count == 0


def test_the_same_world_without_restrictions_shows_them(dunia, operator):  # noqa: F811
    # The walk above would pass on empty exports: here the Sekolah Rakyat export, with no
    # restriction, does hold the child's NIK.
    download, _ = EXPORTS["verifikasi:sekolah-rakyat-ekspor"]
    response = download(Client(), dunia, {"operator": operator})
    text = " ".join(str(v) for _, v, _ in _cells(response))
    assert dunia["anak"].nik in text
