"""Search terms kept out of URLs (DOMAIN.md §10: a NIK never appears in a URL).

A list whose search box takes a NIK or No KK would otherwise put the full number in the
address bar, the browser history, the `Referer` of the next page and every proxy/server
access log. So the search form is POSTed; the search is kept in the user's session under a
short random token and the list URL carries only `cari=<token>` with the other filters.
Back, refresh, paging and bookmarks (within the session) keep working; an expired token
simply shows the unfiltered list with a note. A `?q=` that still arrives by GET (an old
bookmark, a hand-typed URL) is moved into the session the same way and redirected away.

Identifier searches (issue 22: a prefix search let a pendamping recover a member's NIK one
digit at a time, in 51 requests). A term of digits only is a NIK or No KK:

- it must be the full 16 digits, matched exactly; a shorter or longer string of digits finds
  nothing and says so (`PESAN_TIDAK_LENGKAP`), without running a query;
- each complete search counts against a per-user limit (`DINSOS_CARI_IDENTITAS_BATAS`, kept
  in the Redis cache by django-ratelimit) and is recorded as an AuditEvent with the number
  of families found and the identifier masked;
- the session keeps only the masked identifier (shown back in the search box), a keyed hash
  (HMAC with SECRET_KEY, to recognise the same search again without counting it twice) and
  the ids of the families found, never the cleartext number. Paging repeats the search from
  those ids; the list still applies the user's scope to them.

Name searches keep their text: a name is what the user reads on the page anyway.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage

from dinsos import services
from dinsos.formatting import mask_nik
from dinsos.identity import IDENTIFIER_LENGTH
from dinsos.models import AuditEvent, User

PARAM_TERM = "q"
PARAM_TOKEN = "cari"  # noqa: S105 — a URL parameter name, not a secret
SESSION_KEY = "pencarian"
MAX_TERMS = 20  # recent searches kept per session; older tokens expire
_NOT_FILTERS = {"csrfmiddlewaretoken", "page"}

PESAN_TIDAK_LENGKAP = "Masukkan 16 digit NIK atau No KK lengkap."
PESAN_BATAS = "Terlalu banyak pencarian NIK/No KK. Coba lagi dalam {menit} menit."
PESAN_BATAS_TIDAK_TERPERIKSA = (
    "Pencarian NIK/No KK sedang tidak dapat dipakai (batas pencarian tidak dapat diperiksa). "
    "Coba lagi sebentar lagi atau cari dengan nama."
)
RATE_GROUP = "dinsos.pencarian.identitas"
_HMAC_SALT = "dinsos.pencarian.identitas"
# Digits (spaced as on a KK card), or the masked form this module shows in the search box.
_IDENTIFIER_TERM = re.compile(r"[\d\s*]+")
_SPACES = re.compile(r"\s+")

# Given the 16 digits, the ids of the matching records the signed-in user may see.
CariIdentitas = Callable[[str], list[int]]


@dataclass(frozen=True)
class Pencarian:
    """A list's filters with its search resolved from the session."""

    data: QueryDict  # the filters, with `q` as the search box shows it (masked identifier)
    query: str  # the same as a query string for links (paging): the search as a token
    ids: list[int] | None  # records an identifier search found; None for no such search
    pesan: str  # why an identifier search shows nothing (incomplete, limit reached)
    is_expired: bool  # the URL's token is no longer in the session


def _entries(request: HttpRequest) -> dict[str, dict[str, Any]]:
    saved = request.session.get(SESSION_KEY, {})
    # Only dict entries: sessions from before issue 22 held the bare term (a cleartext NIK);
    # they are dropped the next time a search is saved.
    return {t: e for t, e in saved.items() if isinstance(e, dict)}


def _save(request: HttpRequest, entry: dict[str, Any]) -> str:
    saved = _entries(request)
    token = secrets.token_urlsafe(6)
    saved[token] = entry
    request.session[SESSION_KEY] = dict(list(saved.items())[-MAX_TERMS:])
    return token


def _find(request: HttpRequest, **match: str) -> str | None:
    """The most recent token whose entry has these values (and is not a refusal)."""
    for token, entry in reversed(_entries(request).items()):
        if not entry.get("pesan") and all(entry.get(k) == v for k, v in match.items()):
            return token
    return None


def _rate_key(group: str, request: HttpRequest) -> str:
    user = request.user
    assert isinstance(user, User)
    # date_joined too, so an account id reused after a restore (or by a fresh test database)
    # never inherits another account's count.
    return f"{user.pk}:{user.date_joined.timestamp()}"


def _store_identifier(
    request: HttpRequest, digits: str, *, cari_identitas: CariIdentitas, object_type: str
) -> str:
    samaran = mask_nik(digits)
    if len(digits) != IDENTIFIER_LENGTH:
        return _save(request, {"q": samaran, "ids": [], "pesan": PESAN_TIDAK_LENGKAP})
    kunci = salted_hmac(_HMAC_SALT, digits).hexdigest()
    if token := _find(request, kunci=kunci):
        return token  # the same search again (a filter changed, htmx): already counted
    usage = get_usage(
        request,
        group=RATE_GROUP,
        key=_rate_key,
        rate=settings.DINSOS_CARI_IDENTITAS_BATAS,
        increment=True,
    )
    if usage is not None and usage["should_limit"]:
        if usage["limit"] == 0:  # the cache did not answer: refuse rather than go unlimited
            pesan = PESAN_BATAS_TIDAK_TERPERIKSA
        else:
            pesan = PESAN_BATAS.format(menit=max(1, math.ceil(usage["time_left"] / 60)))
        return _save(request, {"q": samaran, "ids": [], "pesan": pesan})
    ids = cari_identitas(digits)
    user = request.user
    assert isinstance(user, User)
    services.audit_record(
        user=user,
        action=AuditEvent.Action.SEARCH,
        object_type=object_type,
        object_repr=samaran,
        jumlah=len(ids),
    )
    return _save(request, {"q": samaran, "kunci": kunci, "ids": ids})


def _store(
    request: HttpRequest, term: str, *, cari_identitas: CariIdentitas, object_type: str
) -> str:
    if not _IDENTIFIER_TERM.fullmatch(term):
        return _find(request, q=term) or _save(request, {"q": term})
    if "*" in term:  # the masked identifier shown in the box, sent back with a new filter
        return _find(request, q=term) or _save(
            request, {"q": term, "ids": [], "pesan": PESAN_TIDAK_LENGKAP}
        )
    digits = _SPACES.sub("", term)
    return _store_identifier(
        request, digits, cari_identitas=cari_identitas, object_type=object_type
    )


def _filters(data: QueryDict) -> dict[str, str]:
    return {k: str(v) for k, v in data.items() if v and k not in _NOT_FILTERS}


def url_query(
    request: HttpRequest, data: QueryDict, *, cari_identitas: CariIdentitas, object_type: str
) -> str:
    """The query string for POSTed (or GET) filters with the search term swapped for a token.

    An identifier term runs the search here (rate-limited, audited; see the module doc):
    `cari_identitas` returns the ids found, `object_type` names them in the audit log.
    """
    query = _filters(data)
    term = query.pop(PARAM_TERM, "").strip()
    if term:
        query.pop(PARAM_TOKEN, None)
        query[PARAM_TOKEN] = _store(
            request, term, cari_identitas=cari_identitas, object_type=object_type
        )
    return urlencode(query)


def resolve(request: HttpRequest, data: QueryDict) -> Pencarian:
    """`data` (a list URL's filters) with its token turned back into the search."""
    query = _filters(data)
    query.pop(PARAM_TERM, None)  # a term reaches a list only through url_query
    token = query.get(PARAM_TOKEN, "")
    entry = _entries(request).get(token) if token else None
    if token and entry is None:
        query.pop(PARAM_TOKEN)
    resolved = QueryDict(mutable=True)
    resolved.update({k: v for k, v in query.items() if k != PARAM_TOKEN})
    if entry is not None:
        resolved[PARAM_TERM] = entry["q"]
    return Pencarian(
        data=resolved,
        query=urlencode(query),
        ids=entry.get("ids") if entry is not None else None,
        pesan=entry.get("pesan", "") if entry is not None else "",
        is_expired=bool(token) and entry is None,
    )


def has_term_in_url(request: HttpRequest) -> bool:
    return bool(request.GET.get(PARAM_TERM, "").strip())
