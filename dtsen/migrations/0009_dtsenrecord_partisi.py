"""DTSEN records: one LIST partition per snapshot, and a NIK check without a regex (issue 21).

The loader COPYs a snapshot into a loose table without indexes, builds them after the load
and attaches the table as the snapshot's partition (dtsen.services.partisi). This migration
turns the existing table into the partitioned one, keeping every row and id:

1. the old table and its indexes are renamed aside;
2. the partitioned table is created like it (columns, defaults, CHECKs, identity), with the
   NIK check rewritten (16 characters, all ASCII digits: same rule, no regex);
3. one partition per snapshot_id present, the rows copied in, then the indexes and the
   primary key (id, snapshot_id) built once over the copied rows; the id sequence continues
   from the old one; the old table is dropped and the new one analysed.

It locks the record table while it copies (a few seconds per million rows): run it when no
import or reconciliation is running. The reverse puts the rows back into a plain table.
"""

from django.db import migrations, models
from django.db.models import CharField, F, Func, Value
from django.db.models.functions import Length
from django.db.models.lookups import Exact

_SEQ_RENAME = """
DO $$
DECLARE urutan text := pg_get_serial_sequence('dtsen_dtsenrecord', 'id');
BEGIN
    IF urutan IS NOT NULL AND urutan <> 'public.dtsen_dtsenrecord_id_seq' THEN
        EXECUTE format('ALTER SEQUENCE %s RENAME TO dtsen_dtsenrecord_id_seq', urutan);
    END IF;
END $$;
"""

FORWARD = [
    "ALTER TABLE dtsen_dtsenrecord RENAME TO dtsen_dtsenrecord_lama",
    "ALTER INDEX dtsen_dtsenrecord_pkey RENAME TO dtsen_dtsenrecord_lama_pkey",
    "ALTER INDEX dtsen_record_nik RENAME TO dtsen_record_lama_nik",
    "ALTER INDEX dtsen_record_no_kk RENAME TO dtsen_record_lama_no_kk",
    "ALTER INDEX dtsen_record_kelurahan RENAME TO dtsen_record_lama_kelurahan",
    """
    CREATE TABLE dtsen_dtsenrecord (
        LIKE dtsen_dtsenrecord_lama INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY
    ) PARTITION BY LIST (snapshot_id)
    """,
    "ALTER TABLE dtsen_dtsenrecord DROP CONSTRAINT dtsen_record_nik",
    """
    ALTER TABLE dtsen_dtsenrecord ADD CONSTRAINT dtsen_record_nik
        CHECK ((LENGTH("nik") = 16 AND LTRIM("nik", '0123456789') = ''))
    """,
    """
    DO $$
    DECLARE s bigint;
    BEGIN
        FOR s IN SELECT DISTINCT snapshot_id FROM dtsen_dtsenrecord_lama LOOP
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF dtsen_dtsenrecord FOR VALUES IN (%s)',
                'dtsen_dtsenrecord_s' || s, s
            );
        END LOOP;
    END $$
    """,
    "INSERT INTO dtsen_dtsenrecord SELECT * FROM dtsen_dtsenrecord_lama",
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX dtsen_record_nik ON dtsen_dtsenrecord (snapshot_id, nik)",
    "CREATE INDEX dtsen_record_no_kk ON dtsen_dtsenrecord (snapshot_id, no_kk)",
    "CREATE INDEX dtsen_record_kelurahan ON dtsen_dtsenrecord (snapshot_id, kelurahan_id)",
    """
    ALTER TABLE dtsen_dtsenrecord ADD CONSTRAINT dtsen_dtsenrecord_pkey
        PRIMARY KEY (id, snapshot_id)
    """,
    """
    SELECT setval(
        pg_get_serial_sequence('dtsen_dtsenrecord', 'id'),
        greatest(
            (SELECT max(id) FROM dtsen_dtsenrecord_lama),
            pg_sequence_last_value(pg_get_serial_sequence('dtsen_dtsenrecord_lama', 'id')::regclass),
            1
        )
    )
    """,
    "DROP TABLE dtsen_dtsenrecord_lama",
    _SEQ_RENAME,
    "ANALYZE dtsen_dtsenrecord",
]

REVERSE = [
    "ALTER TABLE dtsen_dtsenrecord RENAME TO dtsen_dtsenrecord_partisi",
    "ALTER INDEX dtsen_dtsenrecord_pkey RENAME TO dtsen_dtsenrecord_partisi_pkey",
    "ALTER INDEX dtsen_record_nik RENAME TO dtsen_record_partisi_nik",
    "ALTER INDEX dtsen_record_no_kk RENAME TO dtsen_record_partisi_no_kk",
    "ALTER INDEX dtsen_record_kelurahan RENAME TO dtsen_record_partisi_kelurahan",
    """
    CREATE TABLE dtsen_dtsenrecord (
        LIKE dtsen_dtsenrecord_partisi
        INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY
    )
    """,
    "ALTER TABLE dtsen_dtsenrecord DROP CONSTRAINT dtsen_record_nik",
    r"ALTER TABLE dtsen_dtsenrecord ADD CONSTRAINT dtsen_record_nik CHECK (nik ~ '^\d{16}$')",
    "INSERT INTO dtsen_dtsenrecord SELECT * FROM dtsen_dtsenrecord_partisi",
    "ALTER TABLE dtsen_dtsenrecord ADD CONSTRAINT dtsen_dtsenrecord_pkey PRIMARY KEY (id)",
    "CREATE INDEX dtsen_record_nik ON dtsen_dtsenrecord (snapshot_id, nik)",
    "CREATE INDEX dtsen_record_no_kk ON dtsen_dtsenrecord (snapshot_id, no_kk)",
    "CREATE INDEX dtsen_record_kelurahan ON dtsen_dtsenrecord (snapshot_id, kelurahan_id)",
    """
    SELECT setval(
        pg_get_serial_sequence('dtsen_dtsenrecord', 'id'),
        greatest(
            (SELECT max(id) FROM dtsen_dtsenrecord_partisi),
            pg_sequence_last_value(
                pg_get_serial_sequence('dtsen_dtsenrecord_partisi', 'id')::regclass
            ),
            1
        )
    )
    """,
    "DROP TABLE dtsen_dtsenrecord_partisi",  # with its partitions
    # Loose loading tables of unfinished loads (a re-run loads again).
    """
    DO $$
    DECLARE t text;
    BEGIN
        FOR t IN SELECT relname FROM pg_class
            WHERE relkind = 'r' AND relname ~ '^dtsen_dtsenrecord_s[0-9]+$'
                AND pg_table_is_visible(oid)
        LOOP
            EXECUTE format('DROP TABLE %I', t);
        END LOOP;
    END $$
    """,
    _SEQ_RENAME,
    "ANALYZE dtsen_dtsenrecord",
]


class Migration(migrations.Migration):
    dependencies = [
        ("dtsen", "0008_temuan_indeks_cakupan"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=[(sql, None) for sql in FORWARD],
                    reverse_sql=[(sql, None) for sql in REVERSE],
                )
            ],
            state_operations=[
                migrations.RemoveConstraint(model_name="dtsenrecord", name="dtsen_record_nik"),
                migrations.AddConstraint(
                    model_name="dtsenrecord",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            Exact(Length("nik"), 16),
                            Exact(
                                Func(
                                    F("nik"),
                                    Value("0123456789"),
                                    function="LTRIM",
                                    output_field=CharField(),
                                ),
                                "",
                            ),
                        ),
                        name="dtsen_record_nik",
                    ),
                ),
            ],
        ),
    ]
