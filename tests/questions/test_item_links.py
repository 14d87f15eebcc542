"""Links between posts: which links of a post or answer are recorded (questions.links),
resynced on edit, and never to what the writer cannot see or within one thread."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from questions import actions
from questions.links import find_item_links
from questions.models import ItemLink


def test_find_item_links_reads_relative_and_own_host_links(settings):
    settings.ALLOWED_HOSTS = ["intranet.example.com"]
    html = (
        '<a href="/q/12/">a</a> <a href="/q/12/how-to/">dup</a>'
        ' <a href="https://intranet.example.com/q/7/slug/#answer-40">b</a>'
        ' <a href="https://elsewhere.example/q/8/">foreign</a>'
        ' <a href="/q/9/edit/">edit page</a> <a href="/people/maria/">person</a>'
        ' <a href="mailto:x@example.com">mail</a>'
    )
    found = [(t.post_id, t.answer_id) for t in find_item_links(html)]
    assert found == [(12, None), (7, 40)]


def test_links_are_recorded_from_posts_and_answers_and_resynced_on_edit(
    make_user, make_question, settings
):
    settings.ALLOWED_HOSTS = ["intranet.example.com"]
    expert, writer = make_user("expert"), make_user("writer")
    target = make_question(author=expert, title="Pinning", tags=["python"])
    answer = actions.post_answer(post=target, author=make_user(), body="Use a lockfile.")
    own = make_question(author=writer, title="My own")
    body = (
        f"See {target.get_absolute_url()} and "
        f"[the answer](https://intranet.example.com/q/{target.pk}/#answer-{answer.pk}) "
        f"and [mine](/q/{own.pk}/) and <https://elsewhere.example/q/{target.pk}/>"
    )
    post = actions.ask_question(author=writer, title="Again?", body=body)
    links = ItemLink.objects.filter(source_post=post)
    # The bare path is not a link in Markdown; one's own post does not count.
    assert {(k.target_post_id, k.target_answer_id) for k in links} == {(target.pk, answer.pk)}

    actions.edit_post(
        post=post,
        editor=writer,
        title="Again?",
        body=f"[q]({target.get_absolute_url()}) [a](/q/{target.pk}/#answer-{answer.pk})",
        tags="",
    )
    assert {(k.target_post_id, k.target_answer_id) for k in links.all()} == {
        (target.pk, None),
        (target.pk, answer.pk),
    }

    reply = actions.post_answer(post=own, author=expert, body=f"[this](/q/{target.pk}/)")
    assert not ItemLink.objects.filter(source_answer=reply).exists()  # own post
    reply = actions.post_answer(post=own, author=writer, body=f"[this](/q/{target.pk}/)")
    assert ItemLink.objects.filter(source_answer=reply, target_post=target).exists()
    actions.edit_answer(answer=reply, editor=writer, body="Never mind.")
    assert not ItemLink.objects.filter(source_answer=reply).exists()


def test_links_keep_their_first_date_when_the_text_is_edited(make_user, make_question):
    target = make_question(author=make_user(), title="Target")
    writer = make_user()
    post = actions.ask_question(author=writer, title="Src", body=f"[t](/q/{target.pk}/)")
    ItemLink.objects.update(created_at=timezone.now() - timedelta(days=10))
    actions.edit_post(
        post=post, editor=writer, title="Src", body=f"Still [t](/q/{target.pk}/)", tags=""
    )
    link = ItemLink.objects.get()
    assert link.created_at < timezone.now() - timedelta(days=9)


def test_links_to_posts_the_writer_cannot_see_or_within_a_thread_are_not_recorded(
    make_user, make_community, make_question
):
    owner = make_user("owner")
    secret = make_community("M&A", owner=owner, private=True)
    hidden = make_question(author=owner, title="Secret", community=secret)
    outsider = make_user("outsider")
    post = actions.ask_question(author=outsider, title="Guess", body=f"[x](/q/{hidden.pk}/)")
    assert not ItemLink.objects.exists()
    reply = actions.post_answer(post=post, author=owner, body=f"[above](/q/{post.pk}/)")
    assert not ItemLink.objects.filter(source_answer=reply).exists()
