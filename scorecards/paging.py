"""Opaque cursors for lists paged by key instead of by offset (the API, the Decided list)."""

from __future__ import annotations

import base64
import binascii
import re

MAX_ID = 2**31 - 1  # ids are 32-bit integers on every database


def encode_cursor(kind: str, row_id: int) -> str:
    """Return the opaque cursor of a place in a list of this kind: beside this row."""
    return base64.urlsafe_b64encode(f"{kind}{row_id}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    """Return the row a cursor of this kind stands beside; raise ValueError for one never issued."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor this list issued") from None
    found = re.fullmatch(rf"{re.escape(kind)}([1-9][0-9]{{0,9}})", text)
    if found is None or int(found[1]) > MAX_ID:
        raise ValueError("not a cursor this list issued")
    return int(found[1])
