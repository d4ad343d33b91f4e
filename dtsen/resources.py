"""django-import-export resources for the dtsen app's small reference table.

Big DTSEN/PBI-JK files never come through here: they stream through dtsen/importers.
"""

from typing import Any

from import_export import resources

from dtsen.importers.columns import canonical
from dtsen.models import PemetaanKolom


class PemetaanKolomResource(resources.ModelResource):
    """Remembered header mappings, shared between offices as a small spreadsheet."""

    class Meta:
        model = PemetaanKolom
        fields = ("jenis", "header", "field")
        import_id_fields = ("jenis", "header")

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        # Normalise only: the header is stored in the form the importer compares.
        row["header"] = canonical(str(row.get("header") or ""))
        row["field"] = str(row.get("field") or "").strip()
        row["jenis"] = str(row.get("jenis") or "").strip().lower()
