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


# --- Layout: one rule for every app (issue 13) ---------------------------------------------
def _app(tmp_path, files: dict[str, str]):
    app = tmp_path / "contoh"
    for name, text in {"__init__.py": "", "apps.py": "", "urls.py": "", **files}.items():
        path = app / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return app


def _lines(n: int) -> str:
    return "".join(f"X{i} = {i}\n" for i in range(n))


def test_a_clean_app_has_no_layout_problem(tmp_path):
    app = _app(
        tmp_path,
        {
            "models.py": '"""Models."""\n',
            "views.py": _lines(450),  # at the limit, not past it
            "selectors/__init__.py": "from contoh.selectors.rekap import X0\n",
            "selectors/rekap.py": _lines(450),
            "komponen.py": '"""Beside the layers: pure rules used by services and selectors."""\n',
            "admin.py": "",
            "lock_objects.py": "",
        },
    )
    assert check_rules.layout_problems(app) == []


def test_suffix_named_layer_module_is_caught(tmp_path):
    app = _app(tmp_path, {"views_rekonsiliasi.py": '"""Rekonsiliasi pages."""\n'})
    assert check_rules.layout_problems(app) == [
        "contoh/views_rekonsiliasi.py:1: layout-no-suffix-modules: a second views module makes "
        "views a package (views/rekonsiliasi.py)"
    ]


def test_layer_past_its_size_is_caught_as_module_and_inside_its_package(tmp_path):
    app = _app(
        tmp_path,
        {
            "services.py": _lines(451),
            "selectors/__init__.py": "",
            "selectors/rekap.py": _lines(452),
        },
    )
    assert check_rules.layout_problems(app) == [
        "contoh/services.py:1: layout-layer-size: 451 lines; past 450 a layer becomes a "
        "package (services/…)",
        "contoh/selectors/rekap.py:1: layout-layer-size: 452 lines; split it by subject",
    ]


def test_domain_module_must_sit_in_a_layer_or_say_why_not(tmp_path):
    app = _app(
        tmp_path,
        {
            "indikator.py": '"""Pendamping indicators from one aggregate statement."""\n',
            "periode.py": '"""A reporting period.\n\nBeside the layers: a value object."""\n',
        },
    )
    message = (
        "layout-domain-module: move it into the layer it belongs to or start its docstring "
        "with 'Beside the layers: <why>'"
    )
    # "Beside the layers:" counts only as the docstring's first words
    assert check_rules.layout_problems(app) == [
        f"contoh/indikator.py:1: {message}",
        f"contoh/periode.py:1: {message}",
    ]


def test_orm_in_views_is_caught_in_every_views_module_and_package():
    rule = _rule("no-orm-in-views")
    assert rule.files.search("p2k2/views.py")
    assert rule.files.search("p2k2/views/layar.py")
    assert rule.files.search("dtsen/views_rekonsiliasi.py")
    assert not rule.files.search("p2k2/selectors/rekap.py")
