"""The project rules script (run by `make lint`) catches what review caught before."""

from scripts import check_rules


def _rule(name: str):
    return next(r for r in check_rules.RULES if r.name == name)


def test_repository_follows_the_rules():
    assert check_rules.check() == []


def test_orm_in_views_is_caught():
    assert _rule("no-orm-in-views").pattern.search("    qs = Keluarga.objects.all()")


def test_inline_style_and_script_and_cdn_are_caught():
    assert _rule("no-inline-style-or-handler").pattern.search('<div style="color:red">')
    assert _rule("no-inline-style-or-handler").pattern.search('<button onclick="go()">')
    assert _rule("no-inline-script").pattern.search("<script>alert(1)</script>")
    assert not _rule("no-inline-script").pattern.search('<script src="/static/x.js" defer>')
    assert _rule("no-cdn").pattern.search('<script src="https://cdn.example.com/x.js">')


# --- SQL in app code: named parameters, table names from the models ------------------------
TABLES = check_rules.model_tables()
POSITIONAL = (
    "sql-named-parameters",
    "multi-line SQL takes named parameters (%(awal)s with a dict), never positional %s",
)


def _literal_table(table: str) -> tuple[str, str]:
    return (
        "sql-table-from-meta",
        f"take table names from Model._meta.db_table, never a literal {table}",
    )


def test_tables_of_every_app_are_known_and_choices_are_not_tables():
    assert {"kpm_keluarga", "dtsen_temuanhasil", "p2k2_kehadiran", "dinsos_wilayah"} <= TABLES
    assert "pendamping_rekapakses" in TABLES
    assert "dtsen_jenis" not in TABLES  # dtsen.models.Jenis is TextChoices, not a table


def test_positional_parameter_in_multi_line_sql_is_caught():
    source = '''
_SQL = """
    SELECT id FROM rk_kpm
    WHERE tanggal >= %s AND tanggal <= %(akhir)s
"""
'''
    assert check_rules.sql_problems(source, TABLES) == [(4, *POSITIONAL)]


def test_named_parameters_and_single_line_sql_pass():
    source = '''
_SQL = """
    SELECT id FROM rk_kpm
    WHERE tanggal BETWEEN %(awal)s AND %(akhir)s AND nama LIKE 'a%%s'
"""
LOCK = "SELECT pg_try_advisory_lock(%s, %s)"
LOG = "rekonsiliasi %s selesai:\\n%s temuan"
'''
    assert check_rules.sql_problems(source, TABLES) == []


def test_literal_table_name_in_sql_is_caught_in_plain_and_f_strings():
    source = '''
def analyze():
    cursor.execute("ANALYZE dinsos_wilayah")
    cursor.execute(f"""
        UPDATE kpm_keluarga k SET desil = NULL
        FROM {db_table(Wilayah)} w WHERE k.kelurahan_id = w.id
    """)
'''
    assert check_rules.sql_problems(source, TABLES) == [
        (3, *_literal_table("dinsos_wilayah")),
        (5, *_literal_table("kpm_keluarga")),
    ]


def test_table_from_meta_columns_and_docstrings_pass():
    source = '''
def desil_apply():
    """Runs UPDATE kpm_keluarga for the snapshot's area."""
    cursor.execute(
        f"SELECT pendamping_id, count(*) FROM {db_table(Keluarga)} GROUP BY pendamping_id"
    )
'''
    assert check_rules.sql_problems(source, TABLES) == []


def test_sql_rules_cover_app_code_but_not_migrations_bench_or_tests():
    assert check_rules.is_app_code("dtsen/services/pencocokan.py")
    assert check_rules.is_app_code("kpm/selectors_komitmen.py")
    assert not check_rules.is_app_code("kpm/migrations/0007_keluarga_desil.py")
    assert not check_rules.is_app_code("bench/reconcile.py")
    assert not check_rules.is_app_code("tests/dtsen/test_apply.py")
