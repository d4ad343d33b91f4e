"""factory_boy factories with valid identifiers (DOMAIN.md §8)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import factory
from PIL import Image

from dinsos.names import normalize_nama
from kpm.models import Anggota, Keluarga


def nik_for(
    tanggal_lahir: datetime.date, jenis_kelamin: str, serial: int, region: str = "187201"
) -> str:
    """A valid NIK: region of registration, DDMMYY (+40 on the day for women), serial."""
    day = tanggal_lahir.day + (40 if jenis_kelamin == "P" else 0)
    return f"{region}{day:02d}{tanggal_lahir:%m%y}{serial:04d}"


class KeluargaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Keluarga

    no_kk = factory.Sequence(lambda n: f"187201{n + 1:010d}")
    alamat = factory.Sequence(lambda n: f"Jl. Melati No. {n + 1}")
    rt = "001"
    rw = "002"
    tanggal_terdaftar = datetime.date(2021, 1, 4)


class AnggotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Anggota

    keluarga = factory.SubFactory(KeluargaFactory)
    nama = factory.Sequence(lambda n: f"Warga Uji {n}")
    nama_cari = factory.LazyAttribute(lambda o: normalize_nama(o.nama))
    jenis_kelamin = "P"
    tanggal_lahir = datetime.date(1990, 5, 17)
    hubungan = Anggota.Hubungan.ISTRI_SUAMI
    nik = factory.LazyAttributeSequence(
        lambda o, n: nik_for(o.tanggal_lahir, o.jenis_kelamin, n % 9999 + 1)
    )


def keluarga_with_pengurus(**kwargs: Any) -> Keluarga:
    """A family whose pengurus is set, as the registry always has one."""
    pengurus_kwargs = {k[9:]: v for k, v in kwargs.items() if k.startswith("pengurus_")}
    keluarga = KeluargaFactory(**{k: v for k, v in kwargs.items() if not k.startswith("pengurus_")})
    pengurus = AnggotaFactory(keluarga=keluarga, **pengurus_kwargs)
    keluarga.pengurus = pengurus
    keluarga.save(update_fields=["pengurus"])
    return keluarga


def foto_bytes(format_: str = "JPEG", size: tuple[int, int] = (40, 30)) -> bytes:
    """A real, decodable photo: uploads are decoded and re-encoded (dinsos.uploads)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, format_)
    return buffer.getvalue()
