"""dinsos.raw_sql: table names from the models, ORM subqueries with named parameters."""

import pytest
from django.db import connection
from django.db.models import F

from dinsos.models import User
from dinsos.raw_sql import db_table, queryset_sql
from kpm.models import Keluarga


def _count(text: str, params: dict[str, object]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({text}) x", params)  # noqa: S608
        return cursor.fetchone()[0]


def test_db_table_is_the_models_quoted_table():
    assert db_table(Keluarga) == '"kpm_keluarga"'
    assert db_table(User) == '"dinsos_user"'


@pytest.mark.django_db
def test_queryset_parameters_are_renamed_in_order_and_the_subquery_runs():
    # given
    for username in ("ani", "budi", "cici"):
        User.objects.create(username=username, first_name=username[:2])
    qs = User.objects.filter(username__in=["ani", "cici"]).filter(first_name__gte="a")
    # when
    text, params = queryset_sql(qs.values("pk"), prefix="akun")
    # then
    assert params == {"akun_0": "ani", "akun_1": "cici", "akun_2": "a"}
    assert "%s" not in text
    assert _count(text, params) == 2


@pytest.mark.django_db
def test_escaped_percent_of_the_compiled_sql_stays_a_literal_percent():
    # given: `contains` against a column compiles to LIKE '%%' || "first_name" || '%%'
    User.objects.create(username="ani", first_name="ni")
    User.objects.create(username="budi", first_name="xx")
    qs = User.objects.filter(username__contains=F("first_name")).filter(first_name__gte="a")
    # when
    text, params = queryset_sql(qs.values("pk"), prefix="q")
    # then
    assert "'%%'" in text
    assert params == {"q_0": "a"}
    assert _count(text, params) == 1
