"""Notifications are rows written with the action that caused them; the inbox reads them."""

from __future__ import annotations

from notifications.models import Notification
from profiles.actions import set_follow_person
from questions import actions


def verbs(user):
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("verb", flat=True)
    )


def test_each_action_notifies_the_right_person_once(make_user, make_question):
    asker = make_user("rita")
    maria = make_user("maria")
    ken = make_user("ken")
    question = make_question(author=asker, body="@maria?")
    assert verbs(maria) == ["mentioned"]
    answer = actions.post_answer(post=question, author=ken, body="Yes, and @maria knows more")
    assert verbs(asker) == ["answered"]
    assert verbs(maria) == ["mentioned", "mentioned"]
    actions.accept_answer(post=question, answer=answer, by=asker)
    actions.accept_answer(post=question, answer=answer, by=asker)  # unchanged: no second one
    actions.set_like(user=maria, answer=answer, liked=True)
    actions.set_like(user=maria, answer=answer, liked=True)  # idempotent: no second one
    set_follow_person(follower=maria, person=ken, following=True)
    assert verbs(ken) == ["accepted", "liked_answer", "followed"]
    actions.edit_post(post=question, editor=asker, title=question.title, body="@maria?", tags="")
    assert verbs(maria) == ["mentioned", "mentioned"]  # an edit does not re-notify


def test_nobody_is_notified_of_their_own_doing(make_user, make_question):
    asker = make_user("rita")
    question = make_question(author=asker, body="note to self @rita")
    actions.post_answer(post=question, author=asker, body="Answering myself.")
    assert not Notification.objects.exists()


def test_inbox_groups_unread_likes_and_marks_read(make_user, make_question, client_for):
    author = make_user("rita", display_name="Rita Ramos")
    question = make_question(author=author, title="Where are the keys?")
    for i in range(5):
        actions.set_like(
            user=make_user(f"fan{i}", display_name=f"Fan {i}"), post=question, liked=True
        )
    client = client_for(author)
    page = client.get("/notifications/").content.decode()
    assert "Fan 4 and 4 others liked your post: “Where are the keys?”" in page
    assert 'id="bell-count">5<' in page
    response = client.post("/notifications/read/", {"id": "999999"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.content.decode()
    ids = ",".join(str(pk) for pk in Notification.objects.values_list("pk", flat=True))
    client.post("/notifications/read/", {"id": ids})
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_all_read_touches_only_my_notifications(make_user, make_question, client_for):
    me, other = make_user("me"), make_user("other")
    make_question(author=make_user(), body="@me @other")
    client_for(me).post("/notifications/read/")
    assert Notification.objects.get(recipient=me).read_at is not None
    assert Notification.objects.get(recipient=other).read_at is None


def test_a_kind_switched_off_in_the_app_is_kept_but_not_shown(make_user, make_question, client_for):
    from notifications.actions import set_preferences

    author = make_user("rita")
    set_preferences(user=author, in_app={"mentioned", "answered"}, email=set())
    question = make_question(author=author, title="Keys?")
    actions.set_like(user=make_user("fan", display_name="Fan"), post=question, liked=True)
    row = Notification.objects.get(recipient=author)
    assert row.verb == "liked_post" and row.in_app is False
    page = client_for(author).get("/notifications/").content.decode()
    assert "liked your post" not in page and 'id="bell-count" hidden>0<' in page


def test_settings_page_saves_choices(make_user, client_for):
    from notifications.actions import preferences

    user = make_user("rita")
    client = client_for(user)
    assert "Daily e-mail" in client.get("/notifications/settings/").content.decode()
    response = client.post(
        "/notifications/settings/", {"in_app": ["mentioned", "bogus"], "email": ["answered"]}
    )
    assert response.status_code == 302
    prefs = preferences(user)
    assert prefs["mentioned"] == (True, False)
    assert prefs["answered"] == (False, True)
    assert prefs["liked_post"] == (False, False)


def test_daily_digest_sends_unread_mentions_and_waiting_questions_once(
    make_user, make_question, mailoutbox
):
    import io

    from django.core.management import call_command
    from taggit.models import Tag

    from profiles.actions import set_follow_tag

    maria = make_user("maria", email="maria@northwind.example", display_name="Maria Lopez")
    rita = make_user("rita", display_name="Rita Ramos")
    mentioned_in = make_question(author=rita, title="Release keys?", body="@maria")
    waiting = make_question(author=rita, title="Who owns CI runners?", tags=["ci"])
    set_follow_tag(follower=maria, tag=Tag.objects.get(name="ci"), following=True)
    quiet = make_user("quiet", email="quiet@northwind.example")

    out = io.StringIO()
    call_command(
        "send_digests", "--base-url", "https://intranet.example", stdout=out, stderr=io.StringIO()
    )
    assert [m.to for m in mailoutbox] == [["maria@northwind.example"]]
    body = mailoutbox[0].body
    assert "Rita Ramos mentioned you in “Release keys?”" in body
    assert "https://intranet.example" + mentioned_in.get_absolute_url() in body
    assert "Who owns CI runners?" in body and waiting.get_absolute_url() in body
    assert quiet.email not in str([m.to for m in mailoutbox])

    call_command("send_digests", stdout=out, stderr=io.StringIO())
    assert len(mailoutbox) == 2  # the waiting question is still unanswered, mentions not resent
    assert "Release keys?" not in mailoutbox[1].body
