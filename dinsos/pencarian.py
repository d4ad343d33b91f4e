"""Search terms kept out of URLs (DOMAIN.md §10: a NIK never appears in a URL).

A list whose search box takes a NIK or No KK would otherwise put the full number in the
address bar, the browser history, the `Referer` of the next page and every proxy/server
access log. So the search form is POSTed; the term is kept in the user's session under a
short random token and the list URL carries only `cari=<token>` with the other filters.
Back, refresh, paging and bookmarks (within the session) keep working; an expired token
simply shows the unfiltered list with a note. A `?q=` that still arrives by GET (an old
bookmark, a hand-typed URL) is moved into the session the same way and redirected away.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict

PARAM_TERM = "q"
PARAM_TOKEN = "cari"  # noqa: S105 — a URL parameter name, not a secret
SESSION_KEY = "pencarian"
MAX_TERMS = 20  # recent searches kept per session; older tokens expire
_NOT_FILTERS = {"csrfmiddlewaretoken", "page"}


def _store(request: HttpRequest, term: str) -> str:
    saved: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    for token, value in saved.items():
        if value == term:
            return token
    token = secrets.token_urlsafe(6)
    saved[token] = term
    request.session[SESSION_KEY] = dict(list(saved.items())[-MAX_TERMS:])
    return token


def url_query(request: HttpRequest, data: QueryDict) -> str:
    """The query string for `data` (POSTed or GET filters) with the term swapped for a token."""
    query = {k: str(v) for k, v in data.items() if v and k not in _NOT_FILTERS}
    term = query.pop(PARAM_TERM, "").strip()
    if term:
        query.pop(PARAM_TOKEN, None)
        query[PARAM_TOKEN] = _store(request, term)
    return urlencode(query)


def resolve(request: HttpRequest, data: QueryDict) -> tuple[QueryDict, bool]:
    """`data` with the token turned back into the term; True when the token had expired."""
    resolved = data.copy()
    token = resolved.pop(PARAM_TOKEN, [""])[-1]
    if not token:
        return resolved, False
    term = request.session.get(SESSION_KEY, {}).get(token)
    if term is None:
        return resolved, True
    resolved[PARAM_TERM] = term
    return resolved, False


def has_term_in_url(request: HttpRequest) -> bool:
    return bool(request.GET.get(PARAM_TERM, "").strip())
