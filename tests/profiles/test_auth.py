"""The signed-in person comes with their profile (profiles.auth), and sessions made before
its backends existed keep working, on pages and sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.test import Client

from intranet.asgi import application
from profiles.auth import SUCCESSORS, ModelBackend
from profiles.models import User

OLD_PATHS = sorted(SUCCESSORS)


def session_made_with(user: User, backend_path: str) -> str:
    """A session key as a sign-in through `backend_path` left it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend_path
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def client_with(session_key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def test_the_successors_are_the_backends_in_use():
    assert set(SUCCESSORS.values()) <= set(settings.AUTHENTICATION_BACKENDS)
    assert not set(SUCCESSORS) & set(settings.AUTHENTICATION_BACKENDS)


@pytest.mark.parametrize("old_path", OLD_PATHS)
def test_a_session_made_before_the_new_backends_stays_signed_in(make_user, old_path):
    person = make_user("ada", display_name="Ada Lovelace")
    key = session_made_with(person, old_path)
    client = client_with(key)
    response = client.get("/")
    assert response.status_code == 200
    assert "Ada Lovelace" in response.content.decode()
    assert SessionStore(key).load()[BACKEND_SESSION_KEY] == SUCCESSORS[old_path]
    assert client.get("/").status_code == 200


def test_a_session_of_an_unknown_backend_is_still_signed_out(make_user):
    key = session_made_with(make_user("ada"), "somewhere.else.Backend")
    response = client_with(key).get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_person_and_their_profile_and_department_load_in_one_query(
    make_user, make_department, django_assert_num_queries
):
    person = make_user("ada", display_name="Ada Lovelace")
    person.profile.department = make_department("Research")
    person.profile.save()
    with django_assert_num_queries(1):
        user = ModelBackend().get_user(person.pk)
        assert user is not None
        assert user.profile.display_name == "Ada Lovelace"
        assert user.profile.department is not None
        assert user.profile.department.name == "Research"


def test_a_person_without_a_profile_still_signs_in(make_user):
    person = make_user("ada")
    person.profile.delete()
    client = Client()
    client.force_login(User.objects.get(pk=person.pk))
    assert client.get("/").status_code == 200


def test_a_departed_person_is_not_loaded(make_user):
    person = make_user("ada")
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert ModelBackend().get_user(person.pk) is None


@pytest.fixture
async def _close_the_worker_threads_connections() -> AsyncIterator[None]:
    yield
    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_close_the_worker_threads_connections")
@pytest.mark.parametrize("old_path", OLD_PATHS)
async def test_a_socket_with_a_session_made_before_the_new_backends_opens(make_user, old_path):
    person = await sync_to_async(make_user)("ada")
    key = await sync_to_async(session_made_with)(person, old_path)
    communicator = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[
            (b"host", b"127.0.0.1:8000"),
            (b"origin", b"http://127.0.0.1:8000"),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode()),
        ],
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.disconnect()
