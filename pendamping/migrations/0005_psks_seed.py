"""Issue 20: seed the PSKS kinds and the PMKS categories (data only; the admin edits both).

Kinds: the workforce the Kota Metro office evaluates (DOMAIN.md §1, §12: pendamping PKH,
Rehsos, TKSK, PSM) and the ones issue 20 (D11) adds: ASN, Karang Taruna, LKS (Permensos
08/2012 lists Karang Taruna and LKS among the 12 PSKS, reference/domain-sources.md §8). No
ceiling is set here: an empty `batas_beban` means the dated setting (DOMAIN.md §11).

PMKS categories: the 26 kinds of Permensos 08/2012 (Pedoman Pendataan dan Pengelolaan Data
PMKS dan PSKS), written from that regulation; DOMAIN.md does not list them, so the office
checks and edits the table (pilihan kantor).
"""

from django.db import migrations

JENIS = [
    # kode, nama, mendampingi keluarga KPM
    ("asn", "ASN", False),
    ("pkh", "Pendamping PKH", True),
    ("rehsos", "Pendamping Rehsos", False),
    ("tksk", "TKSK", False),
    ("psm", "PSM", False),
    ("karang_taruna", "Karang Taruna", False),
    ("lks", "LKS", False),
]

KATEGORI = [
    ("anak_balita_terlantar", "Anak balita terlantar"),
    ("anak_terlantar", "Anak terlantar"),
    ("anak_berhadapan_hukum", "Anak yang berhadapan dengan hukum"),
    ("anak_jalanan", "Anak jalanan"),
    ("anak_disabilitas", "Anak dengan kedisabilitasan"),
    ("anak_korban_kekerasan", "Anak korban tindak kekerasan atau diperlakukan salah"),
    ("anak_perlindungan_khusus", "Anak yang memerlukan perlindungan khusus"),
    ("lansia_terlantar", "Lanjut usia terlantar"),
    ("penyandang_disabilitas", "Penyandang disabilitas"),
    ("tuna_susila", "Tuna susila"),
    ("gelandangan", "Gelandangan"),
    ("pengemis", "Pengemis"),
    ("pemulung", "Pemulung"),
    ("kelompok_minoritas", "Kelompok minoritas"),
    ("bekas_warga_binaan", "Bekas warga binaan lembaga pemasyarakatan"),
    ("odha", "Orang dengan HIV/AIDS (ODHA)"),
    ("korban_napza", "Korban penyalahgunaan NAPZA"),
    ("korban_perdagangan_orang", "Korban perdagangan orang"),
    ("korban_tindak_kekerasan", "Korban tindak kekerasan"),
    ("pekerja_migran_bermasalah", "Pekerja migran bermasalah sosial"),
    ("korban_bencana_alam", "Korban bencana alam"),
    ("korban_bencana_sosial", "Korban bencana sosial"),
    ("perempuan_rawan_sosial_ekonomi", "Perempuan rawan sosial ekonomi"),
    ("fakir_miskin", "Fakir miskin"),
    ("keluarga_bermasalah_psikologis", "Keluarga bermasalah sosial psikologis"),
    ("komunitas_adat_terpencil", "Komunitas adat terpencil"),
]


def seed(apps, schema_editor):
    JenisPsks = apps.get_model("pendamping", "JenisPsks")
    KategoriPmks = apps.get_model("pendamping", "KategoriPmks")
    Pendamping = apps.get_model("pendamping", "Pendamping")
    for urutan, (kode, nama, ikut) in enumerate(JENIS, 1):
        JenisPsks.objects.update_or_create(
            kode=kode, defaults={"nama": nama, "is_ikut_keluarga": ikut, "urutan": urutan}
        )
    # Any other code already stored keeps its rows: it becomes a kind named after itself.
    for kode in Pendamping.objects.values_list("jenis", flat=True).distinct():
        JenisPsks.objects.get_or_create(kode=kode, defaults={"nama": kode, "urutan": 99})
    for urutan, (kode, nama) in enumerate(KATEGORI, 1):
        KategoriPmks.objects.update_or_create(kode=kode, defaults={"nama": nama, "urutan": urutan})


class Migration(migrations.Migration):
    dependencies = [("pendamping", "0004_psks_jenis_klien")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
