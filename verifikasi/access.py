"""Who may record, decide and open komitmen, proposals, graduations and e-PKH uploads.

Built on kpm.access: a proposal or a graduation is visible exactly when its family is.
"""

from django.shortcuts import get_object_or_404

from dinsos.models import User
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from verifikasi.models import Graduasi, GraduasiTanpaProses, UnggahanEpkh, Usulan

R = User.Role


def can_record_komitmen(user: User) -> bool:
    """Pendamping record for their families; the office (admin, operator) for any in area."""
    return user.role in {R.ADMIN, R.OPERATOR, R.PENDAMPING}


def can_decide(user: User) -> bool:
    """DOMAIN.md §4/§5: the office decides proposals and graduations."""
    return user.role in {R.ADMIN, R.OPERATOR}


def access_usulan(user: User, usulan_id: int) -> Usulan:
    """A proposal of a family the user may see (404 otherwise, like a missing one)."""
    visible = Usulan.objects.filter(keluarga__in=scope_keluarga(user, Keluarga.objects.all()))
    return get_object_or_404(visible.select_related("keluarga__pengurus"), pk=usulan_id)


def access_graduasi(user: User, graduasi_id: int) -> Graduasi:
    """A graduation of a family the user may see (404 otherwise, like a missing one)."""
    visible = Graduasi.objects.filter(keluarga__in=scope_keluarga(user, Keluarga.objects.all()))
    related = visible.select_related(
        "keluarga__pengurus",
        "keluarga__kelurahan__parent__parent",
        "pendamping",
        "diputuskan_oleh",
    )
    return get_object_or_404(related, pk=graduasi_id)


def access_unggahan_epkh(user: User, unggahan_id: int) -> UnggahanEpkh:
    """Return an e-PKH upload kept for its preview if `user` uploaded it; anyone else's (or
    a confirmed, deleted one) is a 404. Not audited: it is the user's own file."""
    return get_object_or_404(UnggahanEpkh.objects.filter(diunggah_oleh=user), pk=unggahan_id)


def access_graduasi_tanpa_proses(user: User, catatan_id: int) -> GraduasiTanpaProses:
    """Issue 20 (D2): an open "lengkapi graduasi" row of a family the user may see (404
    otherwise, like a missing or already completed one)."""
    visible = GraduasiTanpaProses.objects.filter(
        graduasi__isnull=True, keluarga__in=scope_keluarga(user, Keluarga.objects.all())
    )
    return get_object_or_404(
        visible.select_related("keluarga__pengurus", "keluarga__kelurahan"), pk=catatan_id
    )
