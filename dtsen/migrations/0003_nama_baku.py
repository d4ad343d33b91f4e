"""SQL twin of dinsos.names.normalize_nama, for comparing DTSEN/PBI-JK names set-based; the
staging table of reconciliation runs becomes UNLOGGED (rebuilt by the next run if lost); the
findings table keeps free room per page for the updates every run makes."""

from django.db import migrations

# Accented Latin letters → ASCII, as NFKD + ascii("ignore") does in Python.
_DARI = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ"
_KE = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy"
_GELAR_DEPAN = (
    "h|hj|haji|hajah|hajjah|dr|drs|dra|ir|prof|bpk|bapak|sdr|sdri|alm|almh|almarhum"
    "|almarhumah|ust|ustadz|ustadzah|kh"
)

FUNGSI = rf"""
CREATE OR REPLACE FUNCTION dtsen_nama_baku(nama text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        btrim(split_part(
            replace(replace(lower(translate(nama, '{_DARI}', '{_KE}')), '''', ''), '`', ''),
            ',', 1)),
        '^((\.*({_GELAR_DEPAN})\.*)(\s+|$))+', ''),
        '(\s+([a-z]{{1,4}}\.)+[a-z]{{0,4}}\.?)+$', ''),
        '[^a-z ]', ' ', 'g'),
        '\s+', ' ', 'g'))
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("dtsen", "0002_rekonsiliasi")]

    operations = [
        migrations.RunSQL(FUNGSI, "DROP FUNCTION IF EXISTS dtsen_nama_baku(text);"),
        migrations.RunSQL(
            "ALTER TABLE dtsen_temuanhasil SET UNLOGGED;",
            "ALTER TABLE dtsen_temuanhasil SET LOGGED;",
        ),
        # Every run rewrites each open finding it sees (last_seen_run): free room on each page
        # lets PostgreSQL update in place (HOT) without touching the indexes.
        migrations.RunSQL(
            "ALTER TABLE dtsen_temuan SET (fillfactor = 70);",
            "ALTER TABLE dtsen_temuan RESET (fillfactor);",
        ),
    ]
