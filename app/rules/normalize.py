"""Text as phrases are matched: whole words, regardless of case and accents.

Both a rule's phrases and each line go through ``normalized``, so "Speak to a MANAGER!"
and "speak to a manager" meet, and "José" matches "jose". Words are padded with
spaces, so a phrase matches whole words only ("lawyer" is not in "lawyers").
"""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")


def normalized(text: str) -> str:
    """Casefolded, NFKD, combining marks dropped, every run of non-alphanumerics one space,
    with a space on either side. Runs on every final line: ASCII text skips the Unicode steps."""
    if text.isascii():
        bare = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _NOT_WORD.sub(" ", bare).strip()
    return f" {words} " if words else " "
