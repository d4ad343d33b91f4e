"""Fixtures of the kpm tests: the payout lists' (issue 20, RHK 1)."""

import pytest

from tests.factories import keluarga_with_pengurus


@pytest.fixture
def media_sementara(settings, tmp_path):
    """Uploaded lists go to a temporary folder (`usefixtures` where tests upload)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dua_keluarga(kota_metro):
    kelurahan = kota_metro["Hadimulyo Barat"]
    return keluarga_with_pengurus(kelurahan=kelurahan), keluarga_with_pengurus(kelurahan=kelurahan)
