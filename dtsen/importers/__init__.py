"""Streaming importers for DTSEN and PBI-JK files (CONVENTIONS.md 3.9)."""

from dtsen.importers.checker import RowChecker
from dtsen.importers.dtsen import DtsenChecker
from dtsen.importers.pbijk import PbiJkChecker
from dtsen.models import Jenis

CHECKERS: dict[str, type[RowChecker]] = {Jenis.DTSEN: DtsenChecker, Jenis.PBIJK: PbiJkChecker}
