"""django-import-export resource for the P2K2 curriculum (a small reference table)."""

from import_export import fields, resources, widgets

from p2k2.models import Modul, Sesi


class SesiResource(resources.ModelResource):
    """Sessions as the office exchanges them: module by name, order, title."""

    modul = fields.Field(
        attribute="modul", column_name="modul", widget=widgets.ForeignKeyWidget(Modul, "nama")
    )

    class Meta:
        model = Sesi
        fields = ("modul", "urutan", "judul")
        import_id_fields = ("modul", "urutan")
        skip_unchanged = True
        report_skipped = False
