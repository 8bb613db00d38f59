"""How every download is named: one Content-Disposition for packets, jobs, exports and reports.

A file keeps the person's name in any script. The header carries it twice (RFC 6266): as
``filename*``, UTF-8 percent-encoded, which every current browser and HTTP library reads,
and as a plain ``filename`` in ASCII for the few that read nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# What no file system or zip reader takes in a name: path separators, the characters Windows
# refuses, and control characters (a line break could split the header).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]+')
_SPACES = re.compile(r"\s+")
# The ASCII fallback keeps letters, digits and a few marks; anything else becomes a hyphen.
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")
# RFC 5987 attr-char: what filename* may hold unencoded.
_ATTR_CHARS = "!#$&+-.^_`|~"


def name_part(text: str) -> str:
    """Return text as part of a file name: any letters kept, separators and controls removed."""
    return _SPACES.sub(" ", _UNSAFE.sub(" ", text)).strip(" .")


def ascii_name(filename: str) -> str:
    """Return the ASCII stand-in of a file name: accents dropped, other letters left out."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"-{2,}", "-", _NOT_PLAIN.sub("-", plain)).strip("-.") or "download"
    extension = _NOT_PLAIN.sub("", extension)
    return f"{plain}.{extension}" if extension else plain


def content_disposition(filename: str) -> str:
    """Return the Content-Disposition of a download of this name (RFC 6266, with filename*)."""
    filename = name_part(filename) or "download"
    plain = ascii_name(filename)
    if plain == filename:
        return f'attachment; filename="{plain}"'
    return (f"attachment; filename=\"{plain}\"; "
            f"filename*=UTF-8''{quote(filename, safe=_ATTR_CHARS)}")
