"""The navigation: a few groups by task, each with the pages its apps register on `menu`.

Every app lists its own entries in its `AppConfig.ready()` (`hooks.MENU`); this module only
orders them into the groups below, keeps what the user's role may open, marks the current
page and builds the breadcrumb. dinsos itself contributes the core pages (`menu_inti`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dinsos import hooks
from dinsos.http import url_is_open_to
from dinsos.models import User

R = User.Role
ALL_ROLES = frozenset(R)
KANTOR = frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})

# The groups, in the order the bar shows them (issue 14: at most 6–7, named by task). An
# entry registered under a group not listed here goes last, so a new app is never hidden.
GRUP_KELUARGA = "Keluarga"
GRUP_PENDAMPINGAN = "Pendampingan"
GRUP_P2K2 = "P2K2"
GRUP_DTSEN = "Data DTSEN"
GRUP_LAPORAN = "Laporan"
GRUP_ADMIN = "Admin"
GRUP_URUTAN = (GRUP_KELUARGA, GRUP_PENDAMPINGAN, GRUP_P2K2, GRUP_DTSEN, GRUP_LAPORAN, GRUP_ADMIN)


def menu_inti() -> list[hooks.ItemMenu]:
    """The core pages (areas, audit log, the Django admin): registered by dinsos itself."""
    return [
        hooks.ItemMenu(GRUP_ADMIN, "Wilayah", "wilayah-list", KANTOR),
        # Issue 20: the four-eyes queue; a pendamping sees the proposals they filed.
        hooks.ItemMenu(
            GRUP_KELUARGA, "Persetujuan", "persetujuan-list", ALL_ROLES - {R.OPERATOR_KELURAHAN}
        ),
        hooks.ItemMenu(GRUP_ADMIN, "Log audit", "audit-list", frozenset({R.ADMIN})),
        hooks.ItemMenu(GRUP_ADMIN, "Catatan pemrosesan data", "pemrosesan-list", KANTOR),
        hooks.ItemMenu(GRUP_ADMIN, "Admin Django", "admin:index", frozenset({R.ADMIN})),
    ]


@dataclass
class Tautan:
    label: str
    url: str
    url_name: str
    aktif: bool = False


@dataclass
class Grup:
    label: str
    items: list[Tautan] = field(default_factory=list)

    @property
    def aktif(self) -> bool:
        return any(item.aktif for item in self.items)

    @property
    def slug(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.label.lower())


def menu_for(user: User, path: str = "") -> list[Grup]:
    """The groups this user's role may use, entries in registration order, the entry whose
    address is the longest prefix of `path` marked as current."""
    grup: dict[str, Grup] = {}
    for provider in hooks.registry.providers(hooks.MENU):
        for item in provider():
            if user.role not in item.roles:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:  # an app registered a page its URLconf does not have
                continue
            if not url_is_open_to(user, url):  # an entry for every role, closed to this one
                continue
            grup.setdefault(item.grup, Grup(item.grup)).items.append(
                Tautan(item.label, url, item.url_name)
            )
    links = [link for g in grup.values() for link in g.items]
    matching = [link for link in links if path.startswith(link.url)]
    if matching:
        max(matching, key=lambda link: len(link.url)).aktif = True
    order = {label: i for i, label in enumerate(GRUP_URUTAN)}
    return sorted(grup.values(), key=lambda g: order.get(g.label, len(order)))


def breadcrumb_for(groups: list[Grup], path: str) -> list[Tautan]:
    """Beranda › group › page: the trail to the current entry ("" url = not a link)."""
    for g in groups:
        for link in g.items:
            if link.aktif:
                here = link.url == path
                return [
                    Tautan("Beranda", reverse("home"), "home"),
                    Tautan(g.label, "", ""),
                    Tautan(link.label, "" if here else link.url, link.url_name, aktif=here),
                ]
    return []


def navigation(request: HttpRequest) -> dict[str, object]:
    """Template context processor: the menu groups, the breadcrumb and the print header."""
    context: dict[str, object] = {"nama_kantor": settings.DINSOS_NAMA_KANTOR}
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {**context, "nav_groups": [], "nav_items": [], "breadcrumb": []}
    groups = menu_for(user, request.path)
    beranda = Tautan("Beranda", reverse("home"), "home", aktif=request.path == reverse("home"))
    return {
        **context,
        "nav_groups": groups,
        "nav_items": [beranda, *(link for g in groups for link in g.items)],
        "breadcrumb": [] if beranda.aktif else breadcrumb_for(groups, request.path),
        "dicetak_pada": timezone.localtime(),
    }
