"""Demo accounts for `make run` (Django-free, so the launcher can print them)."""

# Demo data only; never load on a production database.
DEMO_PASSWORD = "Metro-Demo-2025"  # noqa: S105

# (username, nama, role, Kemendagri code of the area) — DOMAIN.md §12: Kota Metro.
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "Admin Dinsos", "admin", "18.72"),
    ("operator", "Operator Data", "operator", "18.72"),
    ("koordinator", "Koordinator Metro Pusat", "koordinator", "18.72.01"),
    ("pendamping", "Pendamping Hadimulyo Barat", "pendamping", "18.72.01.1004"),
    ("pendamping2", "Pendamping Iring Mulyo", "pendamping", "18.72.04.1003"),
)
