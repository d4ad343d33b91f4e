"""Seed the P2K2 curriculum of DOMAIN.md §6 (admins edit it later; it is data, not code).

Sources (see /work/shared/reference/domain-sources.md §2.3):
- The five core modules and their 14 session titles: DOMAIN.md §6, as coded in a pendamping's
  tool (hannashafiyya18/sip-p2k2 src/utils/constants.js, PKH_MODULES) and confirmed for
  Pengasuhan dan Pendidikan Anak by aswajanews.isnuponorogo.org.
- Pencegahan dan Penanganan Stunting, 15 sessions: titles as coded in the same pendamping tool
  (PKH_MODULES["Pencegahan dan Penanganan Stunting"], "Sesi 1" … "Sesi 15"). They follow the
  eight materi of Kemensos' "Modul Pencegahan dan Penanganan Stunting bagi SDM Kesos"
  (Pusdiklat Kesos 2021, listed at pkhpati.com and 123dok.com), but the official P2K2 module
  book itself was not found in full text: UNVERIFIED against the book — correct them in the
  admin if the office's copy differs.
- P2K2 Adaptif: free topic ("Materi Tambahan", e.g. online gambling), no sessions.
"""

from django.db import migrations

# (module, is_adaptif, [session titles in teaching order])
KURIKULUM = [
    (
        "Pengasuhan dan Pendidikan Anak",
        False,
        [
            "Menjadi orang tua yang lebih baik",
            "Memahami perkembangan dan perilaku anak",
            "Memahami cara anak usia dini belajar",
            "Membantu anak sukses di sekolah",
        ],
    ),
    (
        "Pengelolaan Keuangan dan Perencanaan Usaha",
        False,
        [
            "Mengelola keuangan keluarga",
            "Cermat meminjam dan menabung",
            "Memulai usaha",
        ],
    ),
    (
        "Kesehatan dan Gizi",
        False,
        [
            "Gizi dan layanan kesehatan ibu hamil",
            "Gizi untuk ibu menyusui dan balita",
            "Kesakitan pada anak dan kesehatan lingkungan",
        ],
    ),
    (
        "Perlindungan Anak",
        False,
        [
            "Pencegahan kekerasan dan perlakuan salah pada anak",
            "Penelantaran dan eksploitasi anak",
        ],
    ),
    (
        "Kesejahteraan Sosial",
        False,
        [
            "Pelayanan bagi penyandang disabilitas berat",
            "Pentingnya kesejahteraan lanjut usia",
        ],
    ),
    (
        "Pencegahan dan Penanganan Stunting",
        False,
        # UNVERIFIED against the official module book (see the module docstring).
        [
            "Permasalahan stunting",
            "Permasalahan sosial",
            "Mendukung ibu hamil mengakses informasi yang tepat",
            "Mendukung perawatan sehari-hari ibu hamil",
            "Stimulasi pada janin",
            "Kesejahteraan bayi baru lahir dan ibu menyusui",
            "Stimulasi bayi baru lahir",
            "Stimulasi bayi 6–12 bulan",
            "Stimulasi anak 1–2 tahun",
            "Stimulasi anak 2–6 tahun",
            "Pemanfaatan bantuan sosial",
            "Mendukung praktik cuci tangan",
            "Pemetaan potensi diri",
            "Sistem rujukan stunting",
            "Rencana tindak lanjut",
        ],
    ),
    ("P2K2 Adaptif", True, []),
]


def seed(apps, schema_editor):
    Modul = apps.get_model("p2k2", "Modul")
    Sesi = apps.get_model("p2k2", "Sesi")
    for urutan, (nama, is_adaptif, judul_sesi) in enumerate(KURIKULUM, start=1):
        modul, _ = Modul.objects.get_or_create(
            nama=nama, defaults={"urutan": urutan, "is_adaptif": is_adaptif}
        )
        Sesi.objects.bulk_create(
            [Sesi(modul=modul, urutan=i, judul=judul) for i, judul in enumerate(judul_sesi, 1)],
            ignore_conflicts=True,
        )


def unseed(apps, schema_editor):
    Modul = apps.get_model("p2k2", "Modul")
    Sesi = apps.get_model("p2k2", "Sesi")
    names = [nama for nama, _, _ in KURIKULUM]
    Sesi.objects.filter(modul__nama__in=names).delete()
    Modul.objects.filter(nama__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("p2k2", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
