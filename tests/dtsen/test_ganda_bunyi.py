"""The probable-duplicate check's block key is computed while rows stream (issue 21): its
sound of a name's last word must be PostgreSQL's `soundex(reverse(split_part(reverse(
btrim(nama)), ' ', 1)))` for every name, or rows would fall into other blocks than before."""

import polars as pl
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dtsen.importers.bunyi import angka_bunyi, bunyi_kolom, bunyi_nama, kata_terakhir, soundex

pytestmark = pytest.mark.django_db

KORPUS = [
    "",
    " ",
    "Siti Aminah",
    "SITI AMINAH",
    "  siti   aminah  ",
    "Muhammad",
    "Mochammad",
    "Ashcraft",
    "Tymczak",
    "Pfister",
    "Lloyd",
    "O'Brien",
    "Hj. Aminah",
    "1A2B3C",
    "A1B",
    "Bb",
    "B-B",
    "Dwi  Lestari",
    "Nyoman\tSuarta",
    "Ẓulaikha",
    "Ñoño",
    "Ákos Ébner",
    "Çağlar",
    "Ni Luh Putu Ayu",
    "-",
    "123",
    "Jl.",
    "Aa",
    "Wahyu W.",
    "ÄÖÜ ß",
    "زينب",
    "Lê Văn",
]


def _pg(names: list[str]) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT soundex(n), soundex(reverse(split_part(reverse(btrim(n)), ' ', 1)))"
            " FROM unnest(%(n)s::text[]) WITH ORDINALITY AS u(n, i) ORDER BY i",
            {"n": names},
        )
        return [(a, b) for a, b in cursor.fetchall()]


def _python(names: list[str]) -> list[tuple[str, str]]:
    return [(soundex(n), soundex(kata_terakhir(n))) for n in names]


def test_soundex_and_the_last_word_are_postgresqls_on_a_corpus():
    assert _python(KORPUS) == _pg(KORPUS)
    # and the column form gives each name's number, as the per-name form does
    column = bunyi_kolom(pl.Series(KORPUS)).to_list()
    assert column == [bunyi_nama(n) for n in KORPUS]
    assert column == [angka_bunyi(b) for _, b in _pg(KORPUS)]


nama = st.text(
    alphabet=st.one_of(
        st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ   '-.0123456789"),
        st.characters(blacklist_categories=("Cs", "Cc")),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(nama, min_size=1, max_size=40))
def test_soundex_and_the_last_word_are_postgresqls_on_any_text(names):
    assert _python(names) == _pg(names)
