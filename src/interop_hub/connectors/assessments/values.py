"""Cell values of vendor exports: dates in the vendors' US formats; student id kinds.

Dates: NWEA writes ``TestStartDate`` as ``MM/DD/YYYY``, i-Ready its ``Completion Date`` as
``M/D/YYYY``, Renaissance ``CompletedDate``/``AssessmentDate`` as ``MM/DD/YYYY HH:MM:SS``
(older exports) or ISO 8601 (the data-feed exports); spreadsheets re-saved by hand turn
years into two digits. ``iso_date`` accepts all of these and returns ``YYYY-MM-DD``;
day-first dates are not guessed (``13/01/2024`` is rejected rather than read as 13 January,
because ``01/02/2024`` could not be told apart).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final, Literal

__all__ = ["StudentIdKind", "iso_date"]

StudentIdKind = Literal["local", "state", "sourcedId"]

_ISO: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_US: Final = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ T].*)?$")


def iso_date(value: str) -> str | None:
    """``YYYY-MM-DD`` for an ISO or US (month first) date, with or without a time; ``""``
    for an empty cell; ``None`` when the text is not such a date."""
    text = value.strip()
    if not text:
        return ""
    iso = _ISO.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        us = _US.match(text)
        if not us:
            return None
        month, day, year = (int(g) for g in us.groups())
        if len(us.group(3)) == 2:
            year += 2000
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
