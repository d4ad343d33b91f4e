"""Typed hooks: how a lower app takes contributions from the apps above it without importing them.

The layers are dinsos ← kpm ← {pendamping, komitmen} ← {p2k2, dtsen} (README, "Layout").
A lower app that needs something from a higher one — a section on the family page, a person's
data for a data-subject export, a contact or RHK source for the pendamping indicators, a
violation rule for komitmen — reads it from a hook declared here. The higher app registers
its provider in its `AppConfig.ready()`:

    from dinsos import hooks
    hooks.registry.register(hooks.PANEL_KELUARGA, selectors.keluarga_panel)

Each hook names a Protocol, so mypy checks the provider at the call site and the system
check `dinsos.E010`–`E012` (dinsos/checks_hooks.py) checks at start that every provider has
the hook's parameters and that no required hook is left without a provider. The hooks live in
dinsos rather than in the consuming app so that two sibling apps (komitmen and pendamping)
can serve each other without knowing each other.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from django.apps import apps
from django.conf import settings
from django.core import checks

P = TypeVar("P")


# --- What providers return -----------------------------------------------------------
@dataclass
class Panel:
    """A section that another app adds to the family page (P2K2, komitmen, findings)."""

    judul: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemBeranda:
    """One line of a user's worklist on the Beranda: a count and the list behind it.

    `url` opens exactly the `jumlah` rows counted (same selector behind both; the count test
    in tests/test_beranda_jumlah.py holds every provider to it); `tingkat` is "bahaya"
    (overdue), "peringatan" (due soon) or "info". `jumlah=None` marks one task rather than a
    count (a meeting to record), with an optional button `aksi` → `aksi_url`. `kunci_lokal`
    names a localStorage key whose JSON array the browser counts instead (work kept on the
    phone, unknown to the server); the line shows only when that array is not empty."""

    judul: str
    jumlah: int | None
    url: str
    tingkat: str = "info"
    keterangan: str = ""
    aksi: str = ""
    aksi_url: str = ""
    kunci_lokal: str = ""


@dataclass(frozen=True)
class SubjekPembatasan:
    """Who a restriction request is about when it is not a KPM family (a PMKS client, issue
    20), as the request's list and page show it: `jenis` ("Klien PMKS"), the name, and lines
    (label, value) of what stays processed — identifiers masked, never a full NIK."""

    jenis: str
    nama: str
    rincian: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ItemMenu:
    """One entry of the navigation: `grup` is the top-level group it sits under (e.g.
    "Keluarga", "Pendampingan", "P2K2", "Data DTSEN", "Laporan", "Admin"); `roles` are the
    User.Role values that see it."""

    grup: str
    label: str
    url_name: str
    roles: frozenset[str]


# --- The protocols -------------------------------------------------------------------
class PanelKeluarga(Protocol):
    """`(keluarga=, user=) -> Panel`: one section of the family page; the caller already
    checked that `user` may see `keluarga`."""

    def __call__(self, *, keluarga: Any, user: Any) -> Panel: ...


class PanelTemuan(Protocol):
    """`(temuan=, user=) -> Panel`: one section of a reconciliation finding's page (e.g. the
    proposals made from it); the caller already checked that `user` may see `temuan`."""

    def __call__(self, *, temuan: Any, user: Any) -> Panel: ...


class DataSubjek(Protocol):
    """`(anggota=) -> {section: rows}`: everything an app holds about one person, for a
    data-subject request (UU 27/2022). Keys name the section; values are JSON-ready."""

    def __call__(self, *, anggota: Any) -> Mapping[str, Any]: ...


class SumberPeriode(Protocol):
    """`(start, end) -> rows`: a set-based source over the days [start, end]."""

    def __call__(self, start: datetime.date, end: datetime.date) -> Any: ...


class RingkasanBasi(Protocol):
    """`(baris=) -> None`: an app that cannot import pendamping (kpm below it, verifikasi
    beside it) wrote records that its performance summary counts (e.g. a payout list
    applied, RHK 1); `baris` is a queryset with rows `pendamping_user_id`, `awal`, `akhir`
    (dates): the summary rows of each account whose period overlaps [awal, akhir] are out
    of date. Runs in the writing transaction, set-based (one statement)."""

    def __call__(self, *, baris: Any) -> Any: ...


class Beranda(Protocol):
    """`(user=) -> [ItemBeranda]`: what needs doing today for this user, scoped to what
    their role and areas allow; an empty list when the app has nothing for them."""

    def __call__(self, *, user: Any) -> list[ItemBeranda]: ...


class Menu(Protocol):
    """`() -> [ItemMenu]`: the app's navigation entries."""

    def __call__(self) -> list[ItemMenu]: ...


class SnapshotDiterapkan(Protocol):
    """`(snapshot_id=, jenis=, wilayah_id=, tanggal_data=) -> None`: runs inside the
    transaction that applies a DTSEN/PBI-JK snapshot (or undoes an apply), after the
    families' desil changed; e.g. the monthly proposal cycle matches its sent proposals
    against the new snapshot. An exception rolls the whole apply back."""

    def __call__(
        self, *, snapshot_id: int, jenis: str, wilayah_id: int, tanggal_data: datetime.date
    ) -> None: ...


class EksekutorPersetujuan(Protocol):
    """`(persetujuan=, oleh=) -> None`: carry out an approved four-eyes proposal (issue 20)
    with the parameters in `persetujuan.data`; runs inside the approval's transaction, so a
    DomainError rolls the approval back. `oleh` is the approver."""

    def __call__(self, *, persetujuan: Any, oleh: Any) -> None: ...


class IdentitasDibatasi(Protocol):
    """`() -> QuerySet of str`: identifiers (NIK, No KK) of the people under a restriction
    request in force (UU 27/2022, DOMAIN.md §10), as a one-column queryset (`values_list(…,
    flat=True)`); the export writer (dinsos.ekspor) unions every provider's into one query
    and drops every row holding one, whatever the export forgot to filter."""

    def __call__(self) -> Any: ...


# Issue 20 (UU 27/2022): restriction requests about people registered by a higher app.
class PembatasanTerlihat(Protocol):
    """`(user=) -> QuerySet of ids`: the kpm restriction requests about the providing app's
    people (not KPM families) that `user` may see, by that app's scope (a subquery)."""

    def __call__(self, *, user: Any) -> Any: ...


class PembatasanSubjek(Protocol):
    """`(permintaan_ids=) -> {id: SubjekPembatasan}`: for those of the requests that are about
    the providing app's people, who they are (one query)."""

    def __call__(self, *, permintaan_ids: Iterable[int]) -> Mapping[int, SubjekPembatasan]: ...


# Issue 20, D5 (aturan): Sekolah Rakyat candidates from outside KPM.
class AnakDtsen(Protocol):
    """`(user=, lahir_setelah=, lahir_sampai=, desil_maks=) -> QuerySet`: people of the active
    DTSEN snapshots who are not KPM members, born after `lahir_setelah` and on or before
    `lahir_sampai`, with a desil ≤ `desil_maks`, in the areas `user` may see (`user=None`:
    the whole office, for the candidate summary), restricted people left out. A queryset (fields
    `nik`, `nama`, `tanggal_lahir`, `jenis_kelamin`, `no_kk`, `kelurahan`, `desil`) so the
    caller can add age and level in the same SQL."""

    def __call__(
        self,
        *,
        user: Any,
        lahir_setelah: datetime.date,
        lahir_sampai: datetime.date,
        desil_maks: int,
    ) -> Any: ...


@dataclass(frozen=True)
class Hook(Generic[P]):
    """One extension point. `keyed` hooks take one provider per key (RHK sources by item);
    `required` hooks must have at least one provider when the project starts."""

    name: str
    protocol: Any  # the Protocol class; type[P] would refuse an abstract Protocol (mypy)
    description: str
    keyed: bool = False
    required: bool = False
    # Models (as "app_label.Model") whose rows are about a person: every app that keeps a
    # foreign key to one of them, or a `nik` field, must provide this hook (check_hooks).
    subject_models: tuple[str, ...] = ()


PANEL_KELUARGA: Hook[PanelKeluarga] = Hook(
    name="panel_keluarga",
    protocol=PanelKeluarga,
    description="Bagian halaman keluarga dari aplikasi lain (pendamping, P2K2, komitmen, temuan).",
)
PANEL_TEMUAN: Hook[PanelTemuan] = Hook(
    name="panel_temuan",
    protocol=PanelTemuan,
    description="Bagian halaman temuan rekonsiliasi dari aplikasi lain (usulan pemutakhiran).",
)
DATA_SUBJEK: Hook[DataSubjek] = Hook(
    name="data_subjek",
    protocol=DataSubjek,
    description="Data satu orang dari setiap aplikasi untuk permintaan subjek data (UU 27/2022).",
    required=True,
    subject_models=("kpm.Keluarga", "kpm.Anggota"),
)
KONTAK_PENDAMPING: Hook[SumberPeriode] = Hook(
    name="kontak_pendamping",
    protocol=SumberPeriode,
    description=(
        "Kontak yang menghitung keluarga terjangkau (cakupan layanan): baris `keluarga_id`, "
        "`tanggal`. Sumber dari aplikasi p2k2 menandai data P2K2 tersedia."
    ),
    required=True,
)
RHK_PENDAMPING: Hook[SumberPeriode] = Hook(
    name="rhk_pendamping",
    protocol=SumberPeriode,
    description="Butir RHK per pendamping: baris `pendamping_user_id`, `jumlah`; satu per kunci.",
    keyed=True,
)
PELANGGARAN_KOMITMEN: Hook[SumberPeriode] = Hook(
    name="pelanggaran_komitmen",
    protocol=SumberPeriode,
    description=(
        "Aturan yang mengusulkan penangguhan (DOMAIN.md §4): baris `keluarga_id`, `jenis`, "
        "`kunci`, `rincian` untuk rangkaian yang menyentuh [start, end]."
    ),
    required=True,
)
# Issue 21: the pendamping performance summary is marked out of date by the writes of kpm
# (payouts, a family's pendamping) and verifikasi (re-recorded verifications) it counts.
RINGKASAN_BASI: Hook[RingkasanBasi] = Hook(
    name="ringkasan_basi",
    protocol=RingkasanBasi,
    description="Menandai ringkasan kinerja pendamping perlu dihitung ulang setelah penulisan.",
)

IDENTITAS_DIBATASI: Hook[IdentitasDibatasi] = Hook(
    name="identitas_dibatasi",
    protocol=IdentitasDibatasi,
    description="NIK dan No KK orang yang meminta pembatasan: tidak pernah ikut diekspor.",
    required=True,
)
BERANDA: Hook[Beranda] = Hook(
    name="beranda",
    protocol=Beranda,
    description="Butir daftar kerja di Beranda: jumlah dan tautan ke daftar yang sama persis.",
)
MENU: Hook[Menu] = Hook(
    name="menu",
    protocol=Menu,
    description="Entri navigasi aplikasi, dikelompokkan per tugas.",
)

SNAPSHOT_DITERAPKAN: Hook[SnapshotDiterapkan] = Hook(
    name="snapshot_diterapkan",
    protocol=SnapshotDiterapkan,
    description="Dijalankan dalam transaksi penerapan snapshot DTSEN/PBI-JK.",
)

# Issue 20: one executor per Persetujuan.Jenis, registered by the app that owns the action.
EKSEKUTOR_PERSETUJUAN: Hook[EksekutorPersetujuan] = Hook(
    name="eksekutor_persetujuan",
    protocol=EksekutorPersetujuan,
    description="Menjalankan tindakan empat mata yang sudah disetujui orang kedua.",
    keyed=True,
)

# Issue 20 (UU 27/2022): a PMKS client's restriction request lives in kpm's register (one
# list, one 3×24 h deadline for the admin); pendamping, above kpm, says which of them a user
# may see and who they are about.
PEMBATASAN_TERLIHAT: Hook[PembatasanTerlihat] = Hook(
    name="pembatasan_terlihat",
    protocol=PembatasanTerlihat,
    description="Permintaan pembatasan tentang orang bukan KPM yang boleh dilihat pengguna.",
)
PEMBATASAN_SUBJEK: Hook[PembatasanSubjek] = Hook(
    name="pembatasan_subjek",
    protocol=PembatasanSubjek,
    description="Siapa subjek permintaan pembatasan yang bukan keluarga KPM (disamarkan).",
)

# Issue 20, D5 (aturan): verifikasi sits below dtsen in the layers, so the candidate list
# reads the DTSEN records through this hook rather than importing dtsen.
ANAK_DTSEN: Hook[AnakDtsen] = Hook(
    name="anak_dtsen",
    protocol=AnakDtsen,
    description="Anak keluarga DTSEN aktif yang bukan anggota KPM: kandidat Sekolah Rakyat.",
)

HOOKS: tuple[Hook[Any], ...] = (
    ANAK_DTSEN,
    PEMBATASAN_TERLIHAT,
    PEMBATASAN_SUBJEK,
    EKSEKUTOR_PERSETUJUAN,
    SNAPSHOT_DITERAPKAN,
    BERANDA,
    MENU,
    PANEL_KELUARGA,
    PANEL_TEMUAN,
    DATA_SUBJEK,
    IDENTITAS_DIBATASI,
    KONTAK_PENDAMPING,
    RHK_PENDAMPING,
    RINGKASAN_BASI,
    PELANGGARAN_KOMITMEN,
)


@dataclass(frozen=True)
class Registration:
    hook: Hook[Any]
    provider: Any
    key: str | None

    @property
    def source(self) -> str:
        """`module.function` of the provider, for checks and the README."""
        return f"{self.provider.__module__}.{self.provider.__qualname__}"

    @property
    def app_label(self) -> str:
        return str(self.provider.__module__).split(".", 1)[0]


class HookRegistry:
    """Providers per hook, in registration order (INSTALLED_APPS order via `ready()`)."""

    def __init__(self) -> None:
        self._registrations: dict[str, list[Registration]] = {h.name: [] for h in HOOKS}

    def register(self, hook: Hook[P], provider: P, *, key: str | None = None) -> None:
        if hook.keyed != (key is not None):
            raise ValueError(f"hook {hook.name}: key {'wajib' if hook.keyed else 'tidak dipakai'}")
        entries = self._registrations.setdefault(hook.name, [])
        # ready() may run twice in one process (tests reloading apps): keep one entry.
        entries[:] = [r for r in entries if (r.provider, r.key) != (provider, key)]
        entries.append(Registration(hook=hook, provider=provider, key=key))

    def providers(self, hook: Hook[P]) -> list[P]:
        return [r.provider for r in self._registrations.get(hook.name, [])]

    def keyed(self, hook: Hook[P]) -> dict[str, P]:
        return {str(r.key): r.provider for r in self._registrations.get(hook.name, [])}

    def registrations(self, hook: Hook[Any] | None = None) -> list[Registration]:
        names = [hook.name] if hook else list(self._registrations)
        return [r for name in names for r in self._registrations.get(name, [])]

    @contextmanager
    def override(self, hook: Hook[P], providers: Iterable[P] | Mapping[str, P]) -> Iterator[None]:
        """Replace a hook's providers for the duration of a test."""
        saved = self._registrations.get(hook.name, [])
        items = (
            providers.items() if isinstance(providers, Mapping) else ((None, p) for p in providers)
        )
        self._registrations[hook.name] = [
            Registration(hook=hook, provider=p, key=k) for k, p in items
        ]
        try:
            yield
        finally:
            self._registrations[hook.name] = saved


registry = HookRegistry()


def signature_problem(hook: Hook[Any], provider: Any) -> str | None:
    """Why `provider` does not fit the hook's protocol (parameter names and kinds), or None."""
    if not callable(provider):
        return "bukan fungsi"
    expected = inspect.signature(hook.protocol.__call__).parameters
    try:
        actual = inspect.signature(provider).parameters
    except (TypeError, ValueError):
        return "tanda tangan fungsi tidak terbaca"
    for name, param in expected.items():
        if name == "self":
            continue
        got = actual.get(name)
        if got is None:
            return f"parameter '{name}' tidak ada"
        keyword_only = param.kind is inspect.Parameter.KEYWORD_ONLY
        if keyword_only and got.kind not in (
            inspect.Parameter.KEYWORD_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            return f"parameter '{name}' harus bisa diberikan dengan nama"
    return None


def _apps_holding_subject_data(hook: Hook[Any]) -> set[str]:
    """Project apps with a model that points at one of the hook's subject models or keeps a
    NIK: each of them holds data about a person."""
    subjects = {apps.get_model(label) for label in hook.subject_models}
    subject_apps = {m._meta.app_label for m in subjects}
    holders = set()
    for config in apps.get_app_configs():
        if config.label in subject_apps or not config.path.startswith(str(settings.BASE_DIR)):
            continue
        for model in config.get_models():
            for f in model._meta.get_fields():
                points_at_subject = f.is_relation and f.concrete and f.related_model in subjects
                if points_at_subject or getattr(f, "name", "") == "nik":
                    holders.add(config.label)
    return holders


@checks.register()
def check_hooks(**kwargs: Any) -> list[checks.CheckMessage]:
    """Every provider fits its hook; required hooks have providers; every app holding data
    about a person answers the data-subject hook."""
    errors: list[checks.CheckMessage] = []
    for reg in registry.registrations():
        if problem := signature_problem(reg.hook, reg.provider):
            errors.append(
                checks.Error(
                    f"Penyedia hook '{reg.hook.name}' {reg.source}: {problem}.",
                    id="dinsos.E010",
                )
            )
    for hook in HOOKS:
        providing = {r.app_label for r in registry.registrations(hook)}
        if hook.required and not providing:
            errors.append(
                checks.Error(f"Hook '{hook.name}' tidak punya penyedia.", id="dinsos.E011")
            )
        if hook.subject_models:
            for label in sorted(_apps_holding_subject_data(hook) - providing):
                errors.append(
                    checks.Error(
                        f"Aplikasi '{label}' menyimpan data orang tetapi tidak mendaftarkan "
                        f"hook '{hook.name}'.",
                        hint="Daftarkan fungsi selectors di AppConfig.ready() aplikasi itu.",
                        id="dinsos.E012",
                    )
                )
    return errors


def json_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`.values()` rows made JSON-ready for a data-subject export: dates and times as ISO
    text, decimals as text, everything else as it is."""
    out = []
    for row in rows:
        item = {}
        for key, value in row.items():
            if isinstance(value, datetime.date | datetime.datetime):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            item[key] = value
        out.append(item)
    return out
