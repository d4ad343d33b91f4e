"""Pages of verifikasi komitmen, graduasi and Sekolah Rakyat, one module per subject."""
