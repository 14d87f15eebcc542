"""Every row of the notification settings and every notification reads as a whole sentence."""

from __future__ import annotations

import io
import re

from notifications.events import notification_text
from notifications.models import Notification
from questions import actions


def test_every_settings_row_reads_as_a_finished_sentence(make_user, client_for):
    text = client_for(make_user()).get("/notifications/settings/").content.decode()
    rows = re.findall(r'<th scope="row">(.*?)</th>', text)
    assert len(rows) == len(Notification.Verb)
    assert "Shared a new version of a draft you’re reviewing" in rows
    unfinished = [row for row in rows if row.rsplit(" ", 1)[-1] in {"of", "to", "in", "on", "a"}]
    assert not unfinished, unfinished


def test_a_new_version_notification_names_the_draft(make_user, make_draft):
    rita, ken = make_user("rita", display_name="Rita Ramos"), make_user("ken")
    draft = make_draft(author=rita, title="Release checklist", body="Thoughts, @ken?")
    actions.upload_version(
        post=draft, uploader=rita, file=io.BytesIO(b"# v2\n"), filename="v2.md", change_note=""
    )
    note = Notification.objects.get(recipient=ken, verb=Notification.Verb.NEW_VERSION)
    assert notification_text(note) == (
        "Rita Ramos shared a new version of a draft you’re reviewing: “Release checklist”"
    )
