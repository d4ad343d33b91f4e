"""Demo graduations through the pipeline (issue 20, D2): a Graduasi record for every demo
family at graduasi.

Demo data only. The family generator (demo.keluarga) gives 6 % of the families the status
graduasi with a history step aktif → graduasi and a reason naming the kind. The office's
pipeline (DOMAIN.md §5, verifikasi.services.graduasi) leaves more behind: a proposal by the
pendamping (the family becomes calon graduasi), then a decision by the office with a letter
number, and for graduasi mandiri the family's signed statement. Without them the demo's
graduations had no kind and no evidence, counted toward no target, and looked like families
graduated around the pipeline. `generate_graduasi` writes that trail in one statement.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from dinsos.models import User
from dinsos.raw_sql import db_table
from kpm.models import Keluarga, RiwayatStatus
from verifikasi.models import Graduasi

BUKTI_DEMO = "kpm/graduasi/demo/surat-pernyataan-demo.pdf"
HARI_USULAN = 30  # a proposal waits 14–43 days for the office's decision (demo choice)
CATATAN_KEPUTUSAN = "Diverifikasi kantor: memenuhi syarat graduasi (data demo)."
S, J = Keluarga.Status, Graduasi.Jenis

# One statement (issue 20, "set-based"): the families at graduasi without an accepted
# graduasi record, their last step into graduasi and the step before it (the registration),
# then three writes from the same rows — the accepted record (its id drawn first, so the
# letter number holds it as the pipeline's does), the calon graduasi step of the history on
# the proposal's day, and the graduasi step now coming from calon graduasi.
SQL_GRADUASI = f"""
WITH terakhir AS (
    SELECT DISTINCT ON (k.id) k.id AS keluarga_id, k.pendamping_id, r.id AS riwayat_id,
           r.created_at AS lulus_at, r.alasan,
           (SELECT max(p.created_at) FROM {db_table(RiwayatStatus)} p
            WHERE p.keluarga_id = k.id AND p.created_at < r.created_at) AS sebelum_at
    FROM {db_table(Keluarga)} k
    JOIN {db_table(RiwayatStatus)} r ON r.keluarga_id = k.id AND r.ke = %(graduasi)s
    WHERE k.status = %(graduasi)s
      AND NOT EXISTS (SELECT 1 FROM {db_table(Graduasi)} g
                      WHERE g.keluarga_id = k.id AND g.status = %(diterima)s)
    ORDER BY k.id, r.created_at DESC
),
sasaran AS MATERIALIZED (
    SELECT nextval(pg_get_serial_sequence(%(tabel_graduasi)s, 'id')) AS id, t.*,
           CASE WHEN t.alasan ILIKE %(pola_mandiri)s THEN %(mandiri)s ELSE %(alamiah)s END
               AS jenis,
           regexp_replace(t.alasan, '^Graduasi [a-z]+: *', '') AS uraian,
           COALESCE(t.pendamping_id, %(pengusul)s) AS pengusul,
           t.lulus_at - LEAST(
               make_interval(days => (14 + t.keluarga_id %% %(hari_usulan)s)::int),
               (t.lulus_at - COALESCE(t.sebelum_at, t.lulus_at - interval '2 days')) / 2
           ) AS usul_at
    FROM terakhir t
),
catatan AS (
    INSERT INTO {db_table(Graduasi)} (
        id, keluarga_id, pendamping_id, jenis, status, alasan, bukti, bukti_tipe,
        tanggal_usulan, tanggal_graduasi, nomor_surat, diusulkan_oleh_id, diputuskan_oleh_id,
        diputuskan_at, catatan_keputusan, created_at, updated_at)
    SELECT s.id, s.keluarga_id, s.pendamping_id, s.jenis, %(diterima)s, s.uraian,
           CASE WHEN s.jenis = %(mandiri)s THEN %(bukti)s ELSE '' END,
           CASE WHEN s.jenis = %(mandiri)s THEN 'application/pdf' ELSE '' END,
           (s.usul_at AT TIME ZONE %(zona)s)::date, (s.lulus_at AT TIME ZONE %(zona)s)::date,
           lpad(s.id::text, 4, '0') || '/GRAD-PKH/'
               || extract(year FROM s.lulus_at AT TIME ZONE %(zona)s)::int,
           s.pengusul, %(pemutus)s, s.lulus_at, %(catatan)s, s.usul_at, s.lulus_at
    FROM sasaran s
    RETURNING 1
),
usulan AS (
    INSERT INTO {db_table(RiwayatStatus)} (keluarga_id, dari, ke, alasan, oleh_id, created_at)
    SELECT s.keluarga_id, %(aktif)s, %(calon)s,
           'Diusulkan ' || lower(s.jenis_label) || ': ' || s.uraian, s.pengusul, s.usul_at
    FROM (SELECT *, CASE WHEN jenis = %(mandiri)s THEN %(label_mandiri)s
                         ELSE %(label_alamiah)s END AS jenis_label FROM sasaran) s
    RETURNING 1
),
keputusan AS (
    UPDATE {db_table(RiwayatStatus)} r SET dari = %(calon)s
    FROM sasaran s WHERE r.id = s.riwayat_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM catatan), (SELECT count(*) FROM usulan),
       (SELECT count(*) FROM keputusan)
"""  # noqa: S608 (table names from the models; every value a named parameter)


def _pdf(teks: str) -> bytes:
    """A one-page PDF showing `teks` (ASCII): the demo's stand-in for a signed statement."""
    stream = f"BT /F1 14 Tf 72 720 Td ({teks}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _bukti() -> str:
    """The stored name of the demo statement (written once, shared by the demo's records)."""
    if default_storage.exists(BUKTI_DEMO):
        return BUKTI_DEMO
    isi = _pdf("Surat pernyataan graduasi mandiri - contoh data demo")
    return default_storage.save(BUKTI_DEMO, ContentFile(isi))


def generate_graduasi() -> int:
    """Give every family at graduasi without an accepted graduasi record the pipeline's
    trail: proposed by its pendamping (or the demo operator), decided by the admin.
    Idempotent: a second run finds nothing to add. Returns the records written (0 without
    an admin, who decides)."""
    pemutus = User.objects.filter(role=User.Role.ADMIN).order_by("pk").first()
    if pemutus is None:
        return 0
    pengusul = (
        User.objects.filter(role=User.Role.OPERATOR).order_by("pk").values_list("pk", flat=True)
    ).first() or pemutus.pk
    params: dict[str, Any] = {
        "graduasi": S.GRADUASI,
        "calon": S.CALON_GRADUASI,
        "aktif": S.AKTIF,
        "diterima": Graduasi.Status.DITERIMA,
        "mandiri": J.MANDIRI,
        "alamiah": J.ALAMIAH,
        "label_mandiri": J.MANDIRI.label,
        "label_alamiah": J.ALAMIAH.label,
        "pola_mandiri": "Graduasi mandiri%",
        "tabel_graduasi": Graduasi._meta.db_table,
        "hari_usulan": HARI_USULAN,
        "pengusul": pengusul,
        "pemutus": pemutus.pk,
        "bukti": _bukti(),
        "catatan": CATATAN_KEPUTUSAN,
        "zona": settings.TIME_ZONE,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL_GRADUASI, params)
        catatan, _, _ = cursor.fetchone()
    return int(catatan)
