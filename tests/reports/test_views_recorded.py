"""Post views: once per person and day, never the author's own, counted on the post."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from questions.actions import record_view
from questions.models import Post, PostView


def test_a_view_counts_once_per_person_and_day(make_user, make_question):
    author, reader = make_user(), make_user()
    post = make_question(author=author)
    assert record_view(post=post, user=reader) is True
    assert record_view(post=post, user=reader) is False
    assert PostView.objects.filter(post=post, user=reader).count() == 1
    assert Post.objects.get(pk=post.pk).view_count == 1
    # Yesterday's view does not stop today's.
    PostView.objects.filter(post=post).update(day=timezone.localdate() - timedelta(days=1))
    assert record_view(post=post, user=reader) is True
    assert Post.objects.get(pk=post.pk).view_count == 2


def test_the_authors_own_views_never_count(make_user, make_question):
    author = make_user()
    post = make_question(author=author)
    assert record_view(post=post, user=author) is False
    assert not PostView.objects.exists()
    assert Post.objects.get(pk=post.pk).view_count == 0


def test_opening_the_post_page_records_the_view(make_user, make_question, client_for):
    author, reader = make_user(), make_user()
    post = make_question(author=author)
    client_for(reader).get(post.get_absolute_url())
    client_for(reader).get(post.get_absolute_url())
    client_for(author).get(post.get_absolute_url())
    assert list(PostView.objects.values_list("user_id", flat=True)) == [reader.pk]
    assert Post.objects.get(pk=post.pk).view_count == 1
