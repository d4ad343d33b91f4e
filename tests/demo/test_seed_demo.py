import pytest
from django.core.management import call_command

from dinsos.demo import DEMO_ACCOUNTS
from dinsos.models import User, Wilayah

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_region_and_one_account_per_role():
    call_command("seed_demo")
    assert Wilayah.objects.count() == 28
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"admin", "operator", "koordinator", "pendamping", "operator_kelurahan"}
    koordinator = User.objects.get(username="koordinator")
    assert [w.nama for w in koordinator.wilayah.all()] == ["Metro Pusat"]


def test_seed_demo_if_empty_leaves_an_existing_database_alone(operator):
    call_command("seed_demo", "--if-empty")
    assert User.objects.count() == 1


def test_seed_demo_twice_does_not_duplicate():
    call_command("seed_demo", "--keluarga", "20")
    first = User.objects.count()
    call_command("seed_demo", "--keluarga", "20")
    assert User.objects.count() == first
    demo_usernames = {username for username, *_ in DEMO_ACCOUNTS}
    assert demo_usernames <= set(User.objects.values_list("username", flat=True))
