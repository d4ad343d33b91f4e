"""KPM pages: access → form → service → redirect/render, by subject: families and members
(`keluarga`), restriction requests (`pembatasan`), payouts per tahap (`penyaluran`). The
names they share sit here."""

from dinsos.models import User

R = User.Role
PAGE_SIZE = 25
