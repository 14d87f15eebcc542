"""Cached cards and answers (questions.fragments) never show a stale or private thing.

Each test opens the reader's pages first, so that the cards and answers are in the cache,
then changes something through an action and opens the pages again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.template.loader import get_template
from django.test import override_settings
from django.utils import timezone

from profiles.actions import mark_departed, set_follow_person, update_profile
from profiles.models import Profile
from questions import actions, feeds, fragments
from questions.models import Post

FEEDS = ["/?tab=all", "/tags/ops/", "/people/asker/"]


@pytest.fixture(autouse=True)
def _empty_fragment_cache():
    fragments.clear()
    yield
    fragments.clear()


@pytest.fixture
def scene(make_user, make_question, client_for):
    """An asker, a reader who follows nothing, and an open question tagged #ops."""
    asker = make_user("asker", display_name="Asha Asker")
    reader = make_user("reader")
    question = make_question(author=asker, title="How do we rotate the keys?", tags=["ops"])
    return asker, reader, question, client_for(reader)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def card(html, post):
    """The card of `post` on a page, or "" if the page does not show it."""
    found = re.search(rf'<article class="post-card" id="post-{post.pk}">.*?</article>', html, re.S)
    return found.group(0) if found else ""


def answer_html(html, answer):
    found = re.search(
        rf'<article class="card answer[^"]*" id="answer-{answer.pk}">.*?</article>', html, re.S
    )
    return found.group(0) if found else ""


def form_token(html):
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def like_button(html):
    """(label, count) of the first like button or static like chip in `html`."""
    button = re.search(
        r'aria-pressed="(true|false)".*?<span class="count">(\d+)</span>', html, re.S
    )
    if button:
        return ("Liked" if button.group(1) == "true" else "Like", int(button.group(2)))
    static = re.search(r'chip-static">♥ (\d+)<', html)
    assert static, html
    return ("own", int(static.group(1)))


def test_likes_and_unlikes_show_at_once_on_every_card_and_answer(
    scene, make_user, make_answer, client_for
):
    asker, reader, question, client = scene
    other = make_user("other")
    answer = make_answer(post=question, author=other)
    for url in FEEDS:
        assert like_button(card(page(client, url), question)) == ("Like", 0)
    assert like_button(answer_html(page(client, question.get_absolute_url()), answer)) == (
        "Like",
        0,
    )

    actions.set_like(user=other, post=question, liked=True)
    actions.set_like(user=asker, answer=answer, liked=True)
    for url in FEEDS:
        assert like_button(card(page(client, url), question)) == ("Like", 1), url
    assert like_button(answer_html(page(client, question.get_absolute_url()), answer)) == (
        "Like",
        1,
    )

    actions.set_like(user=reader, post=question, liked=True)
    actions.set_like(user=reader, answer=answer, liked=True)
    for url in FEEDS:
        assert like_button(card(page(client, url), question)) == ("Liked", 2), url
    assert like_button(answer_html(page(client, question.get_absolute_url()), answer)) == (
        "Liked",
        2,
    )
    # Someone who has not liked it sees the same count on a button that still says Like.
    third = client_for(make_user("third"))
    assert like_button(card(page(third, "/?tab=all"), question)) == ("Like", 2)

    actions.set_like(user=reader, post=question, liked=False)
    actions.set_like(user=reader, answer=answer, liked=False)
    for url in FEEDS:
        assert like_button(card(page(client, url), question)) == ("Like", 1), url
    assert like_button(answer_html(page(client, question.get_absolute_url()), answer)) == (
        "Like",
        1,
    )


def test_the_author_sees_a_count_not_a_button_on_the_same_cached_card(scene, client_for):
    asker, reader, question, client = scene
    assert like_button(card(page(client, "/?tab=all"), question)) == ("Like", 0)
    assert like_button(card(page(client_for(asker), "/?tab=all"), question)) == ("own", 0)
    assert like_button(card(page(client, "/?tab=all"), question)) == ("Like", 0)


def test_an_edit_shows_everywhere_at_once(scene, make_user, make_answer):
    asker, reader, question, client = scene
    answer = make_answer(post=question, author=make_user("helper"), body="Use the old vault.")
    for url in FEEDS:
        assert "rotate the keys" in card(page(client, url), question)
    assert "old vault" in page(client, question.get_absolute_url())

    actions.edit_post(
        post=question,
        editor=asker,
        title="How do we rotate the signing keys?",
        body="Asking for **release** builds.",
        tags="ops, security",
    )
    actions.edit_answer(answer=answer, editor=answer.author, body="Use the new vault.")
    for url in FEEDS:
        shown = card(page(client, url), question)
        assert "rotate the signing keys" in shown and "<strong>release</strong>" in shown, url
        assert "#security" in shown and "edited" in shown, url
    detail = page(client, Post.objects.get(pk=question.pk).get_absolute_url())
    assert "new vault" in detail and "old vault" not in detail


def test_deleted_posts_and_answers_leave_every_page(scene, make_user, make_answer):
    asker, reader, question, client = scene
    answer = make_answer(post=question, author=make_user("helper"), body="Use the old vault.")
    for url in FEEDS:
        assert card(page(client, url), question)
    assert "old vault" in page(client, question.get_absolute_url())

    actions.delete_answer(answer=answer, by=answer.author)
    assert "old vault" not in page(client, question.get_absolute_url())
    actions.delete_post(post=question, by=asker)
    for url in FEEDS:
        shown = page(client, url)
        assert not card(shown, question) and "rotate the keys" not in shown, url
    assert client.get(question.get_absolute_url()).status_code == 404


def test_a_community_made_private_hides_its_cached_cards_from_non_members(
    scene, make_user, make_community, make_question, client_for
):
    asker, reader, _, client = scene
    member = make_user("member")
    staff = make_user("staffer", is_staff=True)
    community = make_community("Payments", owner=asker, members=[member])
    secret = make_question(
        author=asker, title="Where is the payout ledger?", tags=["ops"], community=community
    )
    for viewer in (client, client_for(member)):
        for url in FEEDS:
            assert card(page(viewer, url), secret), url

    actions.set_community_visibility(by=staff, community=community, visibility="private")
    for url in [*FEEDS, "/c/payments/"]:
        response = client.get(url)
        assert "payout ledger" not in response.content.decode(), url
    for url in FEEDS:
        shown = card(page(client_for(member), url), secret)
        assert "payout ledger" in shown and "badge-private" in shown, url


def test_leaving_a_private_community_hides_its_posts_at_once(
    scene, make_user, make_community, make_question
):
    asker, reader, _, client = scene
    community = make_community("Payments", owner=asker, private=True, members=[reader])
    secret = make_question(
        author=asker, title="Where is the payout ledger?", tags=["ops"], community=community
    )
    assert card(page(client, "/?tab=all"), secret)
    assert "payout ledger" in page(client, secret.get_absolute_url())

    actions.leave_community(user=reader, community=community)
    for url in FEEDS:
        assert "payout ledger" not in page(client, url), url
    assert client.get(secret.get_absolute_url()).status_code == 404


def test_departure_and_a_new_name_show_on_cached_cards_and_answers(scene, make_user, make_answer):
    asker, reader, question, client = scene
    helper = make_user("helper", display_name="Hal Helper")
    answer = make_answer(post=question, author=helper)
    assert "former colleague" not in card(page(client, "/?tab=all"), question)
    assert "former colleague" not in answer_html(page(client, question.get_absolute_url()), answer)

    staff = make_user("staffer", is_staff=True)
    mark_departed(by=staff, user=asker)
    mark_departed(by=staff, user=helper)
    for url in FEEDS:
        assert "former colleague" in card(page(client, url), question), url
    assert "former colleague" in answer_html(page(client, question.get_absolute_url()), answer)

    update_profile(
        by=staff,
        profile=helper.profile,
        display_name="Hal Renamed",
        title="",
        department=None,
        location="",
    )
    assert "Hal Renamed" in answer_html(page(client, question.get_absolute_url()), answer)


def test_accepting_an_answer_shows_on_the_card_and_the_answer(scene, make_user, make_answer):
    asker, reader, question, client = scene
    answer = make_answer(post=question, author=make_user("helper"))
    assert "✓" not in card(page(client, "/?tab=all"), question)
    assert "answer-accepted" not in answer_html(page(client, question.get_absolute_url()), answer)
    actions.accept_answer(post=question, answer=answer, by=asker)
    assert "1 answer ✓" in card(page(client, "/?tab=all"), question)
    assert "answer-accepted" in answer_html(page(client, question.get_absolute_url()), answer)


def test_cached_html_holds_no_relative_time_and_each_reader_gets_their_own_form_token(
    scene, client_for, make_user
):
    asker, reader, question, client = scene
    first = card(page(client, "/?tab=all"), question)
    assert re.search(r'<time datetime="[^"]+" title="[^"]+">[^<]*\d{4}[^<]*</time>', first)
    held = [value for value in caches["fragments"]._cache.values()]  # type: ignore[attr-defined]
    assert held, "the card was cached"
    assert not any(" ago<" in str(value) for value in held)
    # The token is the page's own, not one cached with the card.
    tokens = [
        re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', card(page(c, "/?tab=all"), q))
        for c, q in ((client, question), (client_for(make_user("third")), question))
    ]
    assert len(tokens[0]) == len(tokens[1]) == 1 and tokens[0] != tokens[1]
    assert fragments.CSRF_MARK not in first and fragments._TOKEN not in first


def test_the_time_zone_is_part_of_the_cached_card(scene):
    asker, reader, question, client = scene
    Post.objects.filter(pk=question.pk).update(created_at=timezone.now() - timedelta(days=3))
    utc = card(page(client, "/?tab=all"), question)
    Profile.objects.filter(user=reader).update(time_zone="Asia/Tokyo")
    tokyo = card(page(client, "/?tab=all"), question)
    title = re.compile(r'<time [^>]*title="([^"]+)"')
    assert (
        title.findall(utc) and title.findall(tokyo) and title.findall(utc) != title.findall(tokyo)
    )


def test_fields_left_out_of_the_fingerprint_do_not_change_a_card(scene):
    """UNREAD_FIELDS must really be unread by the cached templates."""
    asker, reader, question, client = scene
    template = get_template("questions/partials/post_card_shared.html")

    def render():
        post = feeds.with_card_data(Post.objects.filter(pk=question.pk)).get()
        feeds.prefetch_tags([post])
        return template.render({"post": post, "own": False, "liked": False})

    before = render()
    Post.objects.filter(pk=question.pk).update(
        view_count=99, last_activity_at=timezone.now() + timedelta(days=1)
    )
    asker.last_login = timezone.now()
    asker.set_password("another one")
    asker.save()
    assert render() == before


def test_a_broken_fragment_cache_only_costs_rendering(scene, settings):
    """A fragments cache that fails (here: Redis on a port nobody listens on) gives the
    same pages, rendered in full."""
    asker, reader, question, client = scene
    tokenless = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    expected = tokenless.sub("", card(page(client, "/?tab=all"), question))
    broken = {
        "BACKEND": "intranet.lib.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with override_settings(CACHES={**settings.CACHES, "fragments": broken}):
        for url in [*FEEDS, question.get_absolute_url()]:
            assert "rotate the keys" in page(client, url)
        assert tokenless.sub("", card(page(client, "/?tab=all"), question)) == expected


def test_the_cached_compose_box_lists_only_the_readers_own_private_communities(
    scene, make_user, make_community, client_for
):
    asker, reader, _, client = scene
    member = make_user("member")
    community = make_community("Payments", owner=asker, private=True, members=[member])
    assert ">Payments</option>" in page(client_for(member), "/")
    assert ">Payments</option>" not in page(client, "/")

    actions.add_member(by=asker, community=community, user=reader)
    assert ">Payments</option>" in page(client, "/")
    actions.leave_community(user=reader, community=community)
    assert ">Payments</option>" not in page(client, "/")


def test_each_reader_sees_their_own_reasons_on_a_cached_card(scene, make_user, client_for):
    asker, reader, question, client = scene
    follower = make_user("follower")
    set_follow_person(follower=follower, person=asker, following=True)
    assert "whom you follow" in card(page(client_for(follower), "/?tab=all"), question)
    assert "whom you follow" not in card(page(client, "/?tab=all"), question)
    set_follow_person(follower=reader, person=asker, following=True)
    assert "Asha Asker, whom you follow, posted" in card(page(client, "/?tab=all"), question)


def test_the_question_page_shows_each_answer_as_its_live_card_does(scene, make_user, make_answer):
    """The page joins every answer in one call (fragments.answers): each answer, the
    accepted one first, with its own variant (own, liked, saved) and the page's form token,
    exactly as the single answer's endpoint renders it."""
    asker, reader, question, client = scene
    mine = make_answer(post=question, author=reader, body="Mine.")
    liked = make_answer(post=question, author=make_user("helper"), body="Liked.")
    saved = make_answer(post=question, author=make_user("saver"), body="Saved.")
    accepted = make_answer(post=question, author=make_user("expert"), body="Accepted.")
    actions.set_like(user=reader, answer=liked, liked=True)
    actions.set_bookmark(user=reader, answer=saved, saved=True)
    actions.accept_answer(post=question, answer=accepted, by=asker)
    for _ in range(2):  # rendered, then from the cache
        html = page(client, question.get_absolute_url())
        token = form_token(html)
        shown = re.findall(r'<article class="card answer[^"]*" id="answer-(\d+)">', html)
        assert shown == [str(a.pk) for a in (accepted, mine, liked, saved)]
        for answer in (accepted, mine, liked, saved):
            alone = page(client, f"/a/{answer.pk}/card/")
            alone = alone.replace(form_token(alone), token)
            assert answer_html(html, answer) == answer_html(alone, answer) != ""
        assert like_button(answer_html(html, liked)) == ("Liked", 1)
        assert like_button(answer_html(html, mine)) == ("own", 0)


def count_renders(monkeypatch):
    """The templates questions.fragments renders from now on, by name."""
    rendered: list[str] = []
    render = fragments._render

    def counting(template, **context):
        rendered.append(template)
        return render(template, **context)

    monkeypatch.setattr(fragments, "_render", counting)
    return rendered


def test_a_page_of_cached_answers_renders_none_and_builds_no_answer_again(
    scene, make_user, make_answer, monkeypatch
):
    asker, reader, question, client = scene
    for n in range(3):
        make_answer(post=question, author=make_user(f"helper{n}"), body=f"Answer {n}.")
    rendered = count_renders(monkeypatch)
    built: list[int] = []
    build = fragments.answers_from_rows

    def counting_build(post, rows):
        built.append(len(rows))
        return build(post, rows)

    monkeypatch.setattr(fragments, "answers_from_rows", counting_build)
    first = page(client, question.get_absolute_url())
    assert rendered.count("questions/partials/answer_shared.html") == 3 and built == [3]
    second = page(client, question.get_absolute_url())
    assert rendered.count("questions/partials/answer_shared.html") == 3 and built == [3]
    assert first.replace(form_token(first), "") == second.replace(form_token(second), "")


def test_a_changed_answer_is_rendered_again_alone_even_without_an_action(
    scene, make_user, make_answer, monkeypatch
):
    """The fingerprint is the answer's row, so a change made outside the actions (the
    admin, a data fix) shows too, and only that answer is rendered again."""
    asker, reader, question, client = scene
    answers = [make_answer(post=question, author=make_user(f"helper{n}")) for n in range(3)]
    page(client, question.get_absolute_url())
    rendered = count_renders(monkeypatch)
    type(answers[1]).objects.filter(pk=answers[1].pk).update(like_count=7)
    html = page(client, question.get_absolute_url())
    assert like_button(answer_html(html, answers[1])) == ("Like", 7)
    assert rendered == ["questions/partials/answer_shared.html"]


def test_each_reader_gets_their_own_variant_of_one_cached_answer(
    scene, make_user, make_answer, client_for
):
    asker, reader, question, client = scene
    helper = make_user("helper")
    answer = make_answer(post=question, author=helper)
    actions.set_like(user=reader, answer=answer, liked=True)
    for _ in range(2):
        assert like_button(answer_html(page(client, question.get_absolute_url()), answer)) == (
            "Liked",
            1,
        )
        mine = answer_html(page(client_for(helper), question.get_absolute_url()), answer)
        assert like_button(mine) == ("own", 1) and "Edit" in mine
        theirs = answer_html(page(client_for(asker), question.get_absolute_url()), answer)
        assert like_button(theirs) == ("Like", 1) and "Accept this answer" in theirs
        assert "Edit" not in theirs


def test_html_cached_for_an_answer_is_that_of_the_row_it_is_filed_under(
    scene, make_user, make_answer
):
    """An answer edited between reading the page's rows and rendering a missing one: the
    HTML is built from the row read (no second read), so it is never filed under the
    fingerprint of other values."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    asker, reader, question, client = scene
    answer = make_answer(post=question, author=make_user("helper"), body="Use the old vault.")
    rows = fragments.answer_rows(question)
    actions.edit_answer(answer=answer, editor=answer.author, body="Use the new vault.")
    with CaptureQueriesContext(connection) as queries:
        built = fragments.answers_from_rows(question, rows)
    assert len(queries) == 0
    assert [a.body for a in built] == ["Use the old vault."]
    assert built[0].author.profile.display_name == answer.author.profile.display_name
    assert "new vault" in page(client, question.get_absolute_url())


def test_anonymising_an_answerer_shows_on_the_cached_answer(scene, make_user, make_answer):
    from profiles.actions import anonymise_person

    asker, reader, question, client = scene
    helper = make_user("helper", display_name="Hal Helper")
    answer = make_answer(post=question, author=helper)
    assert "Hal Helper" in answer_html(page(client, question.get_absolute_url()), answer)
    anonymise_person(by=make_user("staffer", is_staff=True), user=helper, reason="A request.")
    shown = answer_html(page(client, question.get_absolute_url()), answer)
    assert "Hal Helper" not in shown and "former colleague" in shown


def test_a_new_standard_badge_shows_on_the_cached_answer(scene, make_user, make_answer):
    from taggit.models import Tag

    from questions.models import Standard

    asker, reader, question, client = scene
    answer = make_answer(post=question, author=make_user("helper"))
    assert "De facto standard" not in page(client, question.get_absolute_url())
    Standard.objects.create(
        tag=Tag.objects.get(slug="ops"),
        post=question,
        answer=answer,
        status="standard",
        since=timezone.localdate(),
    )
    assert "De facto standard" in answer_html(page(client, question.get_absolute_url()), answer)


def test_a_question_moved_into_a_private_community_leaves_its_cached_page(
    scene, make_user, make_community, make_answer, client_for
):
    asker, reader, question, client = scene
    member = make_user("member")
    community = make_community("Payments", owner=asker, private=True, members=[member])
    answer = make_answer(post=question, author=make_user("helper"), body="Use the old vault.")
    for viewer in (client, client_for(member)):
        assert "old vault" in page(viewer, question.get_absolute_url())
    Post.objects.filter(pk=question.pk).update(community=community)
    assert client.get(question.get_absolute_url()).status_code == 404
    assert answer_html(page(client_for(member), question.get_absolute_url()), answer)


def test_a_broken_fragment_cache_still_shows_every_answer_with_the_readers_variant(
    scene, make_user, make_answer, settings
):
    asker, reader, question, client = scene
    liked = make_answer(post=question, author=make_user("helper"))
    mine = make_answer(post=question, author=reader)
    actions.set_like(user=reader, answer=liked, liked=True)
    broken = {
        "BACKEND": "intranet.lib.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with override_settings(CACHES={**settings.CACHES, "fragments": broken}):
        for _ in range(2):
            html = page(client, question.get_absolute_url())
            assert like_button(answer_html(html, liked)) == ("Liked", 1)
            assert like_button(answer_html(html, mine)) == ("own", 0)


def test_the_cached_answer_box_names_its_own_question_for_the_away_notice(scene, make_question):
    asker, reader, question, client = scene
    other = make_question(author=asker, title="Who owns the build farm?", tags=["ops"])
    for post in (question, other, question, other):
        html = page(client, post.get_absolute_url())
        assert f'hx-vals=\'{{"post": "{post.pk}"}}\'' in html
        assert 'name="body"' in html
    held = list(caches["fragments"]._cache)  # type: ignore[attr-defined]
    for post in (question, other):
        assert any(f"form:AnswerForm:{post.pk}:" in key for key in held), held
