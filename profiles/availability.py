"""Who is away, in words: "Ana Lopez is away until Monday 2 Dec: at the offsite."

The compose box's notice and the message after posting (questions.availability) say it
with this, as do the mention autocomplete and the profile page.
"""

from __future__ import annotations

from django.utils import dateformat

from intranet.lib.dates import DATE_FORMAT
from profiles.models import Profile

AWAY_DATE_FORMAT = DATE_FORMAT  # the one date format (intranet.lib.dates)


def away_text(profile: Profile) -> str:
    """ "Ana Lopez is away until Monday 2 Dec: at the offsite." ("" when not away)."""
    if not profile.is_away or profile.away_until is None:
        return ""
    until = dateformat.format(profile.away_until, AWAY_DATE_FORMAT)
    note = f": {profile.away_note.rstrip('.')}" if profile.away_note else ""
    return f"{profile.display_name} is away until {until}{note}."
