"""Fill the P2K2 summaries (0006) from the records already there, so the recaps show the
same figures the moment the new code reads them.

The statements are copies of `p2k2.services.ringkasan` (and the alfa-run statement of
`p2k2.selectors.alfa`) as they stand in this migration: a migration must not run code that
may change after it. Set-based over every row: about 10 s for 1 million attendance marks.
Later, the services keep the rows and the nightly task `ringkasan_p2k2_task` rebuilds them.
"""

from django.db import migrations

# The curriculum: sessions of active, non-adaptif modules (p2k2.selectors.kurikulum_sesi).
KELOMPOK = """
WITH kurikulum AS MATERIALIZED (
    SELECT ARRAY(
        SELECT s.id FROM p2k2_sesi s JOIN p2k2_modul m ON m.id = s.modul_id
        WHERE m.is_aktif AND NOT m.is_adaptif ORDER BY s.id
    ) AS ids
)
INSERT INTO p2k2_ringkasankelompok
    (kelompok_id, jumlah_anggota, mulai, pertemuan_terlaksana, pertemuan_terakhir,
     sesi_terlaksana, sesi_kurikulum, kurikulum_sidik, dihitung_pada)
SELECT g.id,
       (SELECT COUNT(*) FROM p2k2_keanggotaan a WHERE a.kelompok_id = g.id AND a.selesai IS NULL),
       (SELECT MIN(a.mulai) FROM p2k2_keanggotaan a WHERE a.kelompok_id = g.id),
       COALESCE(p.jumlah, 0), p.terakhir, COALESCE(p.sesi, '{}'),
       (SELECT COUNT(*) FROM unnest(p.sesi) AS s (id) WHERE s.id = ANY(k.ids)),
       md5(array_to_string(k.ids, ',')), now()
FROM p2k2_kelompok g
CROSS JOIN kurikulum k
LEFT JOIN LATERAL (
    SELECT COUNT(*) AS jumlah, MAX(p.tanggal) AS terakhir,
           ARRAY_AGG(DISTINCT p.sesi_id ORDER BY p.sesi_id)
               FILTER (WHERE p.sesi_id IS NOT NULL) AS sesi
    FROM p2k2_pertemuan p
    WHERE p.kelompok_id = g.id AND p.status = 'terlaksana'
) p ON TRUE
"""

BULAN = """
WITH m AS (
    SELECT p.id, p.kelompok_id, EXTRACT(YEAR FROM p.tanggal)::int AS tahun,
           EXTRACT(MONTH FROM p.tanggal)::int AS bulan
    FROM p2k2_pertemuan p WHERE p.status = 'terlaksana'
), h AS (
    SELECT k.pertemuan_id,
           COUNT(*) FILTER (WHERE k.status = 'hadir') AS hadir,
           COUNT(*) FILTER (WHERE k.status = 'izin') AS izin,
           COUNT(*) FILTER (WHERE k.status = 'sakit') AS sakit,
           COUNT(*) FILTER (WHERE k.status = 'alfa') AS alfa
    FROM p2k2_kehadiran k
    WHERE k.pertemuan_id IN (SELECT id FROM m)
    GROUP BY k.pertemuan_id
)
INSERT INTO p2k2_ringkasankelompokbulan
    (kelompok_id, tahun, bulan, terlaksana, tercatat, hadir, izin, sakit, alfa, dihitung_pada)
SELECT m.kelompok_id, m.tahun, COALESCE(m.bulan, 0), COUNT(*), COUNT(h.pertemuan_id),
       COALESCE(SUM(h.hadir), 0), COALESCE(SUM(h.izin), 0), COALESCE(SUM(h.sakit), 0),
       COALESCE(SUM(h.alfa), 0), now()
FROM m LEFT JOIN h ON h.pertemuan_id = m.id
GROUP BY GROUPING SETS ((m.kelompok_id, m.tahun, m.bulan), (m.kelompok_id, m.tahun))
"""

# Both readings of D13 (issue 20): j.memutus says whether izin/sakit end a run.
RUNTUN = """
WITH tanda AS (
    SELECT j.memutus, k.keluarga_id, k.pertemuan_id, k.status, p.tanggal,
           SUM(CASE WHEN k.status = 'hadir' OR k.status <> 'alfa' AND j.memutus
                    THEN 1 ELSE 0 END) OVER w AS blok,
           ROW_NUMBER() OVER w AS urut
    FROM p2k2_kehadiran k
    JOIN p2k2_pertemuan p ON p.id = k.pertemuan_id
    CROSS JOIN (VALUES (TRUE), (FALSE)) AS j(memutus)
    WHERE p.status = 'terlaksana' AND (k.status IN ('hadir', 'alfa') OR j.memutus)
    WINDOW w AS (PARTITION BY j.memutus, k.keluarga_id ORDER BY p.tanggal, p.jam_mulai, p.id)
), akhir AS (
    SELECT memutus, keluarga_id, MAX(blok) AS blok_akhir FROM tanda GROUP BY memutus, keluarga_id
)
INSERT INTO p2k2_ringkasanruntunalfa
    (keluarga_id, pertemuan_ids, dari, sampai, is_berlangsung, is_jeda_memutus, jumlah,
     dihitung_pada)
SELECT t.keluarga_id, ARRAY_AGG(t.pertemuan_id ORDER BY t.urut), MIN(t.tanggal),
       MAX(t.tanggal), BOOL_AND(t.blok = a.blok_akhir), t.memutus, COUNT(*), now()
FROM tanda t
JOIN akhir a ON a.keluarga_id = t.keluarga_id AND a.memutus = t.memutus
WHERE t.status = 'alfa'
GROUP BY t.memutus, t.keluarga_id, t.blok
"""

KOSONGKAN = """
DELETE FROM p2k2_ringkasanruntunalfa;
DELETE FROM p2k2_ringkasankelompokbulan;
DELETE FROM p2k2_ringkasankelompok;
"""


class Migration(migrations.Migration):
    dependencies = [("p2k2", "0006_ringkasan")]

    operations = [
        migrations.RunSQL(KELOMPOK, KOSONGKAN),
        migrations.RunSQL(BULAN, migrations.RunSQL.noop),
        migrations.RunSQL(RUNTUN, migrations.RunSQL.noop),
        migrations.RunSQL("ANALYZE p2k2_ringkasankelompok, p2k2_ringkasankelompokbulan, "
                          "p2k2_ringkasanruntunalfa", migrations.RunSQL.noop),
    ]
