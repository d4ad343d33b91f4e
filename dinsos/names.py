"""Person names as the search and the reconciliation compare them."""

import re
import unicodedata

# Honorifics written before a name ("Hj. Siti Aminah", "Drs. H. Ahmad").
_PREFIX_TITLES = {
    "h",
    "hj",
    "haji",
    "hajah",
    "hajjah",
    "dr",
    "drs",
    "dra",
    "ir",
    "prof",
    "bpk",
    "bapak",
    "sdr",
    "sdri",
    "alm",
    "almh",
    "almarhum",
    "almarhumah",
    "ust",
    "ustadz",
    "ustadzah",
    "kh",
}
# An academic degree after a name: letters with dots ("S.Pd.", "A.Md.Keb", "M.M.", "S.E").
_DEGREE = re.compile(r"^(?:[a-z]{1,4}\.)+[a-z]{0,4}\.?$")
_NON_LETTER = re.compile(r"[^a-z ]")
_SPACES = re.compile(r"\s+")


def normalize_nama(nama: str) -> str:
    """Lower-case a name and drop accents, titles and punctuation.

    "Hj. Siti Aminah, S.Pd." → "siti aminah"; "Ma'ruf" → "maruf".
    """
    text = unicodedata.normalize("NFKD", nama).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("`", "")
    # Everything after the first comma is degrees ("…, S.Pd., M.M.").
    text = text.split(",", 1)[0]
    tokens = text.split()
    while tokens and tokens[0].strip(".") in _PREFIX_TITLES:
        tokens.pop(0)
    while len(tokens) > 1 and _DEGREE.match(tokens[-1]):
        tokens.pop()
    cleaned = _NON_LETTER.sub(" ", " ".join(tokens))
    return _SPACES.sub(" ", cleaned).strip()
