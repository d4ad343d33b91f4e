"""Fixtures of the pemutakhiran tests: the dtsen loader (real importer) and the people of
the cycle: a kelurahan operator, the office's two checkers and a pendamping."""

import pytest

from tests.conftest import make_user
from tests.dtsen.conftest import muat  # noqa: F401  (the real snapshot loader)


@pytest.fixture
def operator_dua(kota_metro):
    """A second office operator: the four eyes next to `operator`."""
    return make_user("operator_dua", "operator", kota_metro["Kota Metro"])
