"""The navigation bar: each entry names the roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from dinsos import hooks
from dinsos.models import User

R = User.Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


ALL_ROLES = frozenset(R)
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Beranda", "home", ALL_ROLES),
    NavItem("Keluarga", "kpm:keluarga-list", ALL_ROLES),
    NavItem("Komitmen", "kpm:komitmen-bulan", ALL_ROLES),
    NavItem("Usulan", "kpm:usulan-list", frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})),
    NavItem("Graduasi", "kpm:graduasi-list", ALL_ROLES),
    NavItem("Sekolah Rakyat", "kpm:sekolah-rakyat-list", ALL_ROLES),
    NavItem(
        "Pendamping", "pendamping:pendamping-list", frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})
    ),
    NavItem("Kinerja saya", "pendamping:pendamping-saya", frozenset({R.PENDAMPING})),
    NavItem("Kasus", "pendamping:kasus-list", ALL_ROLES),
    NavItem("P2K2", "p2k2:kelompok-list", ALL_ROLES),
    NavItem("Rekap P2K2", "p2k2:rekap", ALL_ROLES),
    NavItem("Wilayah", "wilayah-list", frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})),
    NavItem("Impor DTSEN", "dtsen:snapshot-list", frozenset({R.ADMIN})),
    NavItem(
        "Perubahan desil",
        "dtsen:perubahan-desil",
        frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR}),
    ),
    NavItem(
        "Rekonsiliasi",
        "dtsen:rekonsiliasi-list",
        frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR}),
    ),
    NavItem("Temuan", "dtsen:temuan-list", ALL_ROLES),
    NavItem("Audit", "audit-list", frozenset({R.ADMIN})),
    NavItem("Admin", "admin:index", frozenset({R.ADMIN})),
)


def nav_items_for(user: User) -> list[dict[str, str]]:
    """Return the entries this user's role may use, with resolved URLs: the core entries,
    then those that apps register on the `menu` hook (dinsos.hooks)."""
    registered = [
        NavItem(item.label, item.url_name, item.roles)
        for provider in hooks.registry.providers(hooks.MENU)
        for item in provider()
    ]
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in (*NAV_ITEMS, *registered)
        if user.role in item.roles
    ]


def navigation(request: HttpRequest) -> dict[str, object]:
    """Template context processor: `nav_items` for the signed-in user."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_items_for(user)}
