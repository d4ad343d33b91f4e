"""One example of each object the portal's pages open by id (issue 21), for `seed_demo`.

Demo data only: never run it on a production database. The bulk generators fill the lists;
the pages behind an id (a restriction request, a payout list, a PMKS client of a demo
account, a sosialisasi photo, a complaint's attachment, a graduation's evidence, a
satisfaction link) need at least one real object each, or a fresh `make run` shows those
pages to nobody and the page benchmark (bench/pages.py) cannot time them. Each is made once
through the app's own service, as an office worker would, so its audit trail, files and
side effects are the real ones. Every step is a no-op once its object exists.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from demo.graduasi import _pdf
from dinsos.bulan import awal_bulan
from dinsos.models import User
from dinsos.uploads import DOKUMEN, FOTO, upload_clean
from kpm import services as kpm_services
from kpm.models import Keluarga, Penyaluran, PermintaanPembatasan, UnggahanPenyaluran
from kpm.selectors.penyaluran import tahap_dalam
from p2k2.models import Kelompok
from pendamping import services as pendamping_services
from pendamping.models import KategoriPmks, KlienPmks, Pendamping, Sosialisasi, TautanKepuasan
from pengaduan import services as pengaduan_services
from pengaduan.models import Lampiran, Pengaduan
from verifikasi import services as verifikasi_services
from verifikasi.models import Graduasi

AKUN_PENDAMPING = ("pendamping", "pendamping2")
# PMKS clients each demo pendamping account handles beside its families (demo choice).
KLIEN_AKUN = (
    ("Mbah Sarno", "L", "lansia_terlantar", datetime.date(1941, 3, 1)),
    ("Parmi", "P", "penyandang_disabilitas", datetime.date(1978, 8, 1)),
    ("Dimas", "L", "anak_terlantar", datetime.date(2013, 5, 1)),
)
# The restricted family: an active family of Metro Pusat (the koordinator's kecamatan) served
# by a PKH pendamping other than the demo accounts, as an office will have. Every figure
# leaves it out, as every list does (tests/test_beranda_jumlah.py guards that on the demo).
KECAMATAN_PEMBATASAN = "18.72.01"
NAMA_DAFTAR = "daftar-penyaluran-susulan.csv"


def _png(teks: str) -> ContentFile[bytes]:
    """A small landscape picture with a caption: the demo's stand-in for a phone photo."""
    image = Image.new("RGB", (640, 400), (74, 120, 96))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 300), fill=(236, 226, 198))
    draw.text((60, 330), teks, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return ContentFile(out.getvalue(), name="foto.png")


def _profil(username: str) -> tuple[User, Pendamping] | None:
    """A demo pendamping account and its workforce profile."""
    profil = Pendamping.objects.filter(user__username=username).select_related("user").first()
    return (profil.user, profil) if profil is not None and profil.user is not None else None


def generate_klien_akun(*, tulis: Callable[[str], object]) -> int:
    """PMKS clients of the demo pendamping accounts, registered by each account itself
    (pendamping.services.klien_create): their client pages have someone in them."""
    dibuat = 0
    for username in AKUN_PENDAMPING:
        akun = _profil(username)
        if akun is None or KlienPmks.objects.filter(pendamping=akun[1]).exists():
            continue
        user, profil = akun
        kelurahan = profil.wilayah.order_by("kode").first()
        for nama, kelamin, kategori, lahir in KLIEN_AKUN:
            pendamping_services.klien_create(
                data={
                    "nama": nama,
                    "jenis_kelamin": kelamin,
                    "tanggal_lahir": lahir,
                    "alamat": "Dekat balai kelurahan",
                    "kelurahan": kelurahan,
                    "kategori": KategoriPmks.objects.get(kode=kategori),
                    "keterangan": "Data demo.",
                },
                oleh=user,
            )
            dibuat += 1
    if dibuat:
        tulis(f"Klien PMKS akun demo: {dibuat} klien.")
    return dibuat


def generate_pembatasan(*, tulis: Callable[[str], object]) -> PermintaanPembatasan | None:
    """A restriction request received yesterday from an active family of Metro Pusat served
    by a PKH pendamping, recorded by the operator and waiting for the admin's decision
    (kpm.services.pembatasan_catat)."""
    if PermintaanPembatasan.objects.exists():
        return None
    operator = User.objects.filter(username="operator").first()
    dilayani = Keluarga.objects.filter(
        status=Keluarga.Status.AKTIF,
        pengurus__isnull=False,
        pendamping__in=Pendamping.objects.filter(jenis__kode=Pendamping.Jenis.PKH).values(
            "user_id"
        ),
    ).order_by("pk")
    pusat = dilayani.filter(kelurahan__parent__kode=KECAMATAN_PEMBATASAN)
    keluarga = (
        pusat.exclude(pendamping__username__in=AKUN_PENDAMPING).first()
        or pusat.first()
        or dilayani.first()  # a small demo (tests) may have none there
    )
    if operator is None or keluarga is None:
        return None
    permintaan = kpm_services.pembatasan_catat(
        keluarga=keluarga,
        anggota=keluarga.pengurus,
        jenis=PermintaanPembatasan.Jenis.PEMBATASAN,
        diterima_at=timezone.now() - datetime.timedelta(days=1),
        dasar="Surat pengurus keluarga: data keluarga jangan diproses untuk program lain.",
        oleh=operator,
    )
    tulis("Permintaan pembatasan demo: 1 menunggu keputusan admin.")
    return permintaan


def generate_unggahan_penyaluran(
    *, today: datetime.date, tulis: Callable[[str], object]
) -> UnggahanPenyaluran | None:
    """The bank's follow-up list of the last paid tahap (the payouts that had failed, now
    paid), uploaded, checked and applied by the operator through kpm.services like the
    page does. Needs the RHK payouts (demo.rhk); a no-op once any list was uploaded."""
    operator = User.objects.filter(username="operator").first()
    if operator is None or UnggahanPenyaluran.objects.exists():
        return None
    dibayar = [
        (y, t)
        for y, t in tahap_dalam(awal_bulan(today, geser=-12), today)
        if datetime.date(y, 3 * t - 2, 1) < today
    ]
    if not dibayar:
        return None
    tahun, tahap = dibayar[-1]
    gagal = list(
        Penyaluran.objects.filter(tahun=tahun, tahap=tahap, status=Penyaluran.Status.GAGAL)
        .order_by("keluarga_id")
        .values_list("keluarga__no_kk", "nominal")
    )
    if not gagal:
        return None
    baris = [
        f"'{no_kk};{tahap};{tahun};{nominal};TERSALUR;;Bank Himbara" for no_kk, nominal in gagal
    ]
    isi = "NO KK;TAHAP;TAHUN;NOMINAL;STATUS;ALASAN;PENYALUR\n" + "\n".join(baris) + "\n"
    unggahan = kpm_services.penyaluran_unggah(
        berkas=ContentFile(isi.encode(), name=NAMA_DAFTAR), nama_file=NAMA_DAFTAR, oleh=operator
    )
    kpm_services.penyaluran_periksa(unggahan_id=unggahan.pk)
    unggahan.refresh_from_db()
    if unggahan.status != UnggahanPenyaluran.Status.SIAP:
        tulis(f"Daftar penyaluran demo tidak siap diterapkan: {unggahan.pesan_gagal}")
        return unggahan
    kpm_services.penyaluran_terapkan_mulai(unggahan=unggahan, oleh=operator)
    hasil = kpm_services.penyaluran_terapkan(unggahan_id=unggahan.pk)
    tulis(f"Daftar penyaluran demo: tahap {tahap}/{tahun}, {len(gagal)} penyaluran susulan.")
    return hasil


def generate_sosialisasi_foto(
    *, today: datetime.date, tulis: Callable[[str], object]
) -> Sosialisasi | None:
    """A sosialisasi last week by the demo account `pendamping`, with its photo, recorded by
    the account itself (pendamping.services.sosialisasi_catat)."""
    akun = _profil(AKUN_PENDAMPING[0])
    if akun is None or Sosialisasi.objects.filter(pendamping=akun[1]).exclude(foto="").exists():
        return None
    user, profil = akun
    foto = upload_clean(_png("Sosialisasi PKH - data demo"), allowed=FOTO)
    sosialisasi = pendamping_services.sosialisasi_catat(
        pendamping=profil,
        data={
            "tanggal": today - datetime.timedelta(days=7),
            "tempat": "Balai Kelurahan Hadimulyo Barat",
            "kelurahan": profil.wilayah.order_by("kode").first(),
            "topik": "Hak dan kewajiban KPM PKH",
            "jumlah_peserta": 24,
            "peserta": "",
            "foto": foto,
        },
        oleh=user,
    )
    tulis("Sosialisasi demo: 1 kegiatan dengan foto.")
    return sosialisasi


def generate_lampiran(*, tulis: Callable[[str], object]) -> Lampiran | None:
    """A letter attached by the demo account `pendamping` to the latest complaint it holds
    (pengaduan.services.pengaduan_lampiran_tambah)."""
    pendamping = User.objects.filter(username=AKUN_PENDAMPING[0]).first()
    if pendamping is None or Lampiran.objects.exists():
        return None
    pengaduan = Pengaduan.objects.filter(petugas=pendamping).order_by("-tanggal_terima", "-pk")
    target = pengaduan.first()
    if target is None:
        return None
    surat = ContentFile(_pdf("Surat keterangan RT - contoh data demo"), name="surat.pdf")
    lampiran = pengaduan_services.pengaduan_lampiran_tambah(
        pengaduan=target,
        berkas=upload_clean(surat, allowed=DOKUMEN),
        keterangan="Surat keterangan RT",
        oleh=pendamping,
    )
    tulis(f"Lampiran pengaduan demo: 1 surat pada {target.tiket}.")
    return lampiran


def generate_usulan_graduasi(*, tulis: Callable[[str], object]) -> Graduasi | None:
    """An open proposal of graduasi mandiri by the demo account `pendamping` for one of its
    active families, with the family's signed statement (verifikasi.services.
    graduasi_propose): the office has a decision to make and the evidence to open."""
    pendamping = User.objects.filter(username=AKUN_PENDAMPING[0]).first()
    if (
        pendamping is None
        or Graduasi.objects.filter(
            status=Graduasi.Status.DIUSULKAN, keluarga__pendamping=pendamping
        )
        .exclude(bukti="")
        .exists()
    ):
        return None
    keluarga = (
        Keluarga.objects.filter(pendamping=pendamping, status=Keluarga.Status.AKTIF)
        .order_by("-pk")
        .first()
    )
    if keluarga is None:
        return None
    surat = ContentFile(_pdf("Surat pernyataan graduasi mandiri - data demo"), name="surat.pdf")
    graduasi = verifikasi_services.graduasi_propose(
        keluarga=keluarga,
        jenis=Graduasi.Jenis.MANDIRI,
        alasan="Usaha warung keluarga sudah mencukupi kebutuhan; keluarga menyatakan mundur.",
        oleh=pendamping,
        bukti=upload_clean(surat, allowed=DOKUMEN),
    )
    tulis("Usulan graduasi demo: 1 graduasi mandiri menunggu keputusan.")
    return graduasi


def generate_tautan_kepuasan(*, today: datetime.date, tulis: Callable[[str], object]) -> int:
    """The satisfaction links printed under the attendance sheet of the demo account
    `pendamping`'s first P2K2 group (pendamping.services.tautan_siapkan, as the sheet
    does): the families' survey page opens."""
    kelompok = (
        Kelompok.objects.filter(pendamping__username=AKUN_PENDAMPING[0]).order_by("pk").first()
    )
    if kelompok is None or TautanKepuasan.objects.exists():
        return 0
    keluarga_ids = list(
        kelompok.keanggotaan.filter(selesai__isnull=True).values_list("keluarga_id", flat=True)
    )
    token = pendamping_services.tautan_siapkan(keluarga_ids=keluarga_ids, hari=today)
    if token:
        tulis(f"Tautan kepuasan demo: {len(token)} keluarga satu kelompok P2K2.")
    return len(token)


def generate(*, today: datetime.date, tulis: Callable[[str], object]) -> None:
    """Every example above, in the order they depend on each other."""
    generate_klien_akun(tulis=tulis)
    generate_pembatasan(tulis=tulis)
    generate_unggahan_penyaluran(today=today, tulis=tulis)
    generate_sosialisasi_foto(today=today, tulis=tulis)
    generate_lampiran(tulis=tulis)
    generate_usulan_graduasi(tulis=tulis)
    generate_tautan_kepuasan(today=today, tulis=tulis)
