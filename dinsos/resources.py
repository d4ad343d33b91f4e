"""django-import-export resources for the shared reference tables."""

from import_export import fields, resources, widgets

from dinsos.models import Wilayah


class WilayahResource(resources.ModelResource):
    """Wilayah as the office exchanges it: both code systems, parent by Kemendagri code."""

    kode = fields.Field(attribute="kode", column_name="kode_kemendagri")
    kode_bps = fields.Field(
        attribute="kode_bps", column_name="kode_bps", widget=widgets.CharWidget()
    )
    parent = fields.Field(
        attribute="parent",
        column_name="kode_induk",
        widget=widgets.ForeignKeyWidget(Wilayah, field="kode"),
    )

    class Meta:
        model = Wilayah
        fields = (
            "kode",
            "kode_bps",
            "nama",
            "tingkat",
            "parent",
            "berlaku_mulai",
            "berlaku_sampai",
        )
        import_id_fields = ("kode", "berlaku_mulai")
        skip_unchanged = True
        report_skipped = False
