"""The demo tests reuse the curriculum fixture of the P2K2 tests."""

from tests.p2k2.conftest import kurikulum  # noqa: F401  (fixture)
