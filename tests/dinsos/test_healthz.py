import pytest
import redis
from django.conf import settings
from django.urls import reverse

from dinsos.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_DATABASES = 16  # Redis's default `databases`


@pytest.fixture
def broker_url(request: pytest.FixtureRequest):
    """Point the Celery app at another broker for one test, then restore it."""
    original = celery_app.conf.broker_url

    def use(url: str) -> None:
        celery_app.conf.broker_url = url
        # the next use picks the (kombu-global) pools of the new URL
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    yield use
    use(original)


def test_healthz_is_200_when_database_broker_and_worker_are_up(client, celery_worker):
    # when
    response = client.get(reverse("healthz"))
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"].endswith("worker")


def test_healthz_needs_no_login(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 200


def test_healthz_names_the_broker_when_it_is_down(client, broker_url):
    # given: nothing listens on port 1
    broker_url("redis://127.0.0.1:1/0")
    # when
    response = client.get(reverse("healthz"))
    # then
    assert response.status_code == 503
    body = response.json()
    assert body["gagal"] == ["broker", "worker"]
    assert body["worker"] == "tidak dapat diperiksa: broker mati"
    assert body["broker"] == "broker (Redis) tidak dapat dihubungi"
    assert body["database"] == "ok"


def _redis_db_without_clients() -> int:
    """A Redis database no client is connected to, so no worker can answer there (on a
    shared machine any fixed number may hold another test run's worker)."""
    used = {int(c["db"]) for c in redis.Redis.from_url(settings.REDIS_URL).client_list()}
    return next(db for db in range(REDIS_DATABASES) if db not in used)


def test_healthz_names_the_worker_when_none_answers(client, broker_url):
    # given: a Redis database on which no worker listens
    base, _, _ = settings.REDIS_URL.rpartition("/")
    broker_url(f"{base}/{_redis_db_without_clients()}")
    # when
    response = client.get(reverse("healthz"))
    # then
    assert response.status_code == 503
    assert response.json()["gagal"] == ["worker"]
    assert response.json()["worker"] == "tidak ada worker Celery yang hidup"
