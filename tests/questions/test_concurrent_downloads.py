"""Twenty people downloading the same version at the same moment count twenty."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from questions.models import DraftVersion, Post

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 20


def test_twenty_concurrent_downloads_by_twenty_people_count_twenty(make_user, make_draft):
    draft = make_draft(author=make_user("author"))
    version = draft.current_version
    clients = []
    for n in range(PEOPLE):
        client = Client()
        client.force_login(make_user(f"reader{n}"))
        clients.append(client)
    start = threading.Barrier(PEOPLE, timeout=30)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def download(client: Client) -> None:
        try:
            start.wait()
            response = client.get(f"/files/{version.pk}/download/")
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            response.close()
            statuses.append(response.status_code)
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=download, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert not any(t.is_alive() for t in threads), "downloads still running after 90 s"
    assert not errors, errors[:3]
    assert statuses == [200] * PEOPLE
    assert DraftVersion.objects.get(pk=version.pk).download_count == PEOPLE
    assert Post.objects.get(pk=draft.pk).download_count == PEOPLE
    assert version.downloads.count() == PEOPLE
