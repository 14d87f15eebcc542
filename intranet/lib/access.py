"""The refusals an action raises when the person acting may not do what they ask.

Every action that takes an acting person checks, inside the action, that this person may do
it; views may check first (to answer as they always did) but the action is the guard, so a
command, the admin, a task or a future API cannot bypass it. Two kinds, so that each caller
answers as the site does everywhere:

* NotVisible: the person may not see the subject (a post in a private community they are not
  in, a deleted post). A subclass of Http404: views answer 404, as for something that does
  not exist, and never admit that it does.
* NotAllowed: the person sees the subject but may not do this (someone else's post), or may
  do nothing at all (anonymous, or a former colleague). A subclass of PermissionDenied:
  views answer 403.

Both are Refused, for callers that report any refusal the same way (the admin's forms).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404


class Refused(Exception):  # noqa: N818  (a refusal, not an error of the program)
    """The acting person may not do this; nothing was written."""


class NotVisible(Refused, Http404):
    """The acting person may not see the subject: 404."""


class NotAllowed(Refused, PermissionDenied):
    """The acting person sees the subject but may not do this: 403."""
