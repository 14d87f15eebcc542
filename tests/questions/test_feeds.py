"""Feeds and boards: your friends are your filter, and each item says why it is there."""

from __future__ import annotations

from django.utils import timezone
from taggit.models import Tag

from profiles.actions import set_follow_person, set_follow_tag
from questions import actions, feeds


def posts_in(page):
    return [item.post for item in page.items]


def reasons_for(page, post):
    return next(item.reasons for item in page.items if item.post.pk == post.pk)


def test_network_feed_holds_followed_people_mentions_communities_and_tags(
    make_user, make_community, make_question
):
    me = make_user("me")
    maria = make_user("maria", display_name="Maria Lopez")
    ken = make_user("ken", display_name="Ken Okafor")
    stranger = make_user("stranger")
    set_follow_person(follower=me, person=maria, following=True)
    set_follow_person(follower=me, person=ken, following=True)
    community = make_community("Platform", owner=stranger, members=[me])

    by_followed = make_question(author=maria, title="By Maria?")
    mentions_followed = make_question(author=stranger, title="Ken?", body="@ken any idea?")
    in_community = make_question(author=stranger, title="Platform?", community=community)
    tagged = make_question(author=stranger, title="Tagged?", tags=["kubernetes"])
    set_follow_tag(follower=me, tag=Tag.objects.get(name="kubernetes"), following=True)
    mentions_me = make_question(author=stranger, title="Me?", body="@me please")
    unrelated = make_question(author=stranger, title="Unrelated?")

    page = feeds.home_feed(me, tab="network")
    shown = posts_in(page)
    for post in (by_followed, mentions_followed, in_community, tagged, mentions_me):
        assert post in shown
    assert unrelated not in shown
    assert reasons_for(page, by_followed) == ["Maria Lopez, whom you follow, posted"]
    assert reasons_for(page, mentions_followed) == ["Ken Okafor, whom you follow, was mentioned"]
    assert reasons_for(page, in_community) == ["In Platform, a community you joined"]
    assert reasons_for(page, tagged) == ["Tagged #kubernetes, which you follow"]
    assert reasons_for(page, mentions_me) == ["You were mentioned"]
    # Newest activity first.
    assert shown[0] == mentions_me
    assert unrelated in posts_in(feeds.home_feed(me, tab="all"))


def test_a_followed_person_mentioned_in_a_post_and_its_answer_is_one_reason(
    make_user, make_question, make_answer
):
    me = make_user("me")
    ken = make_user("ken", display_name="Ken Okafor")
    stranger = make_user("stranger")
    set_follow_person(follower=me, person=ken, following=True)
    post = make_question(author=stranger, title="Ken?", body="@ken any idea?")
    make_answer(post=post, author=make_user(), body="Ask @ken, he wrote it")

    page = feeds.home_feed(me, tab="network")
    assert reasons_for(page, post) == ["Ken Okafor, whom you follow, was mentioned"]


def test_mention_puts_post_on_the_mentioned_persons_board(make_user, make_question):
    maria = make_user("maria")
    post = make_question(author=make_user(), body="@maria?")
    assert post in posts_in(feeds.board(make_user(), maria))


def test_private_community_post_never_reaches_a_non_member(
    make_user, make_community, make_question
):
    owner = make_user("owner")
    outsider = make_user("outsider")
    set_follow_person(follower=outsider, person=owner, following=True)
    community = make_community("M&A", owner=owner, private=True)
    secret = make_question(author=owner, title="Secret?", tags=["deal"], community=community)
    set_follow_tag(follower=outsider, tag=Tag.objects.get(name="deal"), following=True)
    for tab in feeds.TABS:
        assert secret not in posts_in(feeds.home_feed(outsider, tab=tab))
    assert secret not in posts_in(feeds.board(outsider, owner))
    assert secret not in posts_in(feeds.tag_feed(outsider, Tag.objects.get(name="deal").pk))
    assert secret in posts_in(feeds.board(owner, owner))


def test_unanswered_and_my_tags_tabs(make_user, make_question):
    me = make_user()
    answered = make_question(author=make_user(), tags=["ci"])
    actions.post_answer(post=answered, author=make_user(), body="Done.")
    open_question = make_question(author=make_user(), tags=["ci"])
    other_tag = make_question(author=make_user(), tags=["hr"])
    set_follow_tag(follower=me, tag=Tag.objects.get(name="ci"), following=True)
    unanswered = posts_in(feeds.home_feed(me, tab="unanswered"))
    assert open_question in unanswered and other_tag in unanswered and answered not in unanswered
    mine = posts_in(feeds.home_feed(me, tab="mytags"))
    assert answered in mine and open_question in mine and other_tag not in mine


def test_feed_pages_follow_on_without_gaps_or_repeats(make_user, make_question):
    me = make_user()
    made = [make_question(author=make_user()) for _ in range(feeds.PAGE_SIZE + 5)]
    first = feeds.home_feed(me, tab="all")
    second = feeds.home_feed(me, tab="all", cursor=first.next_cursor)
    assert len(first.items) == feeds.PAGE_SIZE and second.next_cursor is None
    seen = posts_in(first) + posts_in(second)
    assert sorted(p.pk for p in seen) == sorted(p.pk for p in made)


def test_answer_brings_an_old_post_to_the_top_of_its_tag_page(make_user, make_question):
    viewer = make_user()
    old = make_question(author=make_user(), tags=["ci"])
    for _ in range(feeds.PAGE_SIZE + 3):
        make_question(author=make_user(), tags=["ci"])
    tag = Tag.objects.get(name="ci")
    assert old not in posts_in(feeds.tag_feed(viewer, tag.pk))
    actions.post_answer(post=old, author=make_user(), body="Bumped.")
    assert posts_in(feeds.tag_feed(viewer, tag.pk))[0] == old


def test_network_feed_counts_a_post_once_and_pages_without_gaps(make_user, make_question):
    me = make_user()
    author = make_user()
    set_follow_person(follower=me, person=author, following=True)
    made = [make_question(author=author, tags=["a", "b"]) for _ in range(feeds.PAGE_SIZE + 4)]
    for name in ("a", "b"):
        set_follow_tag(follower=me, tag=Tag.objects.get(name=name), following=True)
    first = feeds.home_feed(me, tab="network")
    second = feeds.home_feed(me, tab="network", cursor=first.next_cursor)
    seen = [p.pk for p in posts_in(first) + posts_in(second)]
    assert len(first.items) == feeds.PAGE_SIZE
    assert sorted(seen) == sorted(p.pk for p in made)


def test_followed_tag_posts_are_found_behind_many_private_ones(
    make_user, make_community, make_question
):
    me = make_user()
    owner = make_user()
    secret_room = make_community("Secret", owner=owner, private=True)
    public = [make_question(author=make_user(), tags=["ops"]) for _ in range(3)]
    hidden = [
        make_question(author=owner, tags=["ops"], community=secret_room)
        for _ in range(feeds.PAGE_SIZE + 5)
    ]
    set_follow_tag(follower=me, tag=Tag.objects.get(name="ops"), following=True)
    shown = posts_in(feeds.home_feed(me, tab="network"))
    assert shown == list(reversed(public))
    assert not set(shown) & set(hidden)


def test_network_feed_keeps_newer_posts_of_a_tag_crowded_by_posts_the_reader_cannot_see(
    make_user, make_community, make_question
):
    """The newest posts of one followed tag are private; the reader's page must still hold
    that tag's older visible posts before anything older from another followed tag."""
    me, owner = make_user(), make_user()
    secret = make_community("M&A", owner=owner, private=True)
    oldest = [make_question(author=owner, tags=["b"]) for _ in range(feeds.PAGE_SIZE + 1)]
    older_a = [make_question(author=owner, tags=["a"]) for _ in range(10)]
    newer_a = []
    for _ in range(11):
        newer_a.append(make_question(author=owner, tags=["a"]))
        make_question(author=owner, tags=["a"], community=secret)
    for name in ("a", "b"):
        set_follow_tag(follower=me, tag=Tag.objects.get(name=name), following=True)
    for tab in ("network", "mytags"):
        shown = posts_in(feeds.home_feed(me, tab=tab))
        assert shown == (newer_a[::-1] + older_a[::-1])[: feeds.PAGE_SIZE], tab
        assert not set(shown) & set(oldest), tab


def test_my_tags_tab_pages_through_every_question_in_followed_tags_once(make_user, make_question):
    me, author = make_user(), make_user()
    made = [make_question(author=author, tags=[("a", "b", "c")[i % 3]]) for i in range(30)]
    made += [make_question(author=author, tags=["a", "b"]) for _ in range(2)]  # shown once
    actions.post_status(author=author, body="Not a question", tags=["a"])
    for name in ("a", "b", "c"):
        set_follow_tag(follower=me, tag=Tag.objects.get(name=name), following=True)
    first = feeds.home_feed(me, tab="mytags")
    second = feeds.home_feed(me, tab="mytags", cursor=first.next_cursor)
    seen = posts_in(first) + posts_in(second)
    assert len(first.items) == feeds.PAGE_SIZE and second.next_cursor is None
    assert len(seen) == len(set(seen)) == 32
    assert set(made) <= set(seen)


def test_feed_cards_show_each_posts_own_tags_and_a_retag_at_once(
    make_user, make_question, client_for
):
    me, author = make_user(), make_user()
    ops = make_question(author=author, title="Ops question?", tags=["ops", "ci"])
    hr = make_question(author=author, title="HR question?", tags=["hr"])
    untagged = make_question(author=author, title="Untagged?")
    page = feeds.home_feed(me, tab="all")
    tags = {item.post.pk: sorted(t.name for t in item.post.tags.all()) for item in page.items}
    assert tags == {ops.pk: ["ci", "ops"], hr.pk: ["hr"], untagged.pk: []}
    actions.edit_post(post=hr, editor=author, title=hr.title, body="", tags=["payroll"])
    html = client_for(me).get("/?tab=all").content.decode()
    assert 'href="/tags/payroll/"' in html and 'href="/tags/hr/"' not in html


def test_network_feed_is_the_same_whether_followed_posts_are_recent_or_old(
    make_user, make_question, monkeypatch
):
    """The network feed looks first among the newest posts of everyone; a page found there
    or after falling back to all of them holds exactly the newest posts of followed people."""
    monkeypatch.setattr(feeds, "RECENT_WINDOW", 30)
    me, followed, stranger = make_user(), make_user(), make_user()
    set_follow_person(follower=me, person=followed, following=True)
    old = [make_question(author=followed) for _ in range(feeds.PAGE_SIZE + 2)]
    for _ in range(40):  # pushes the followed person's posts out of the recent window
        make_question(author=stranger)
    shown = posts_in(feeds.home_feed(me, tab="network"))
    assert shown == old[::-1][: feeds.PAGE_SIZE]
    recent = [make_question(author=followed) for _ in range(feeds.PAGE_SIZE + 2)]
    first = feeds.home_feed(me, tab="network")
    assert posts_in(first) == recent[::-1][: feeds.PAGE_SIZE]
    second = feeds.home_feed(me, tab="network", cursor=first.next_cursor)
    assert posts_in(second) == (recent[::-1] + old[::-1])[feeds.PAGE_SIZE : 2 * feeds.PAGE_SIZE]


def test_mentions_join_a_page_that_followed_peoples_posts_already_fill(
    make_user, make_community, make_question, monkeypatch
):
    """Once followed people's recent posts fill a page, posts mentioning followed people
    are looked for only among those active since the page's oldest: none newer may be
    missed, a private one never shown, and the older ones follow on the next page."""
    monkeypatch.setattr(feeds, "RECENT_WINDOW", 40)
    me, ken, stranger, owner = make_user("me"), make_user("ken"), make_user(), make_user()
    set_follow_person(follower=me, person=ken, following=True)
    secret = make_community("M&A", owner=owner, private=True)
    for _ in range(20):  # older than the window, which then holds the page
        make_question(author=stranger)
    old_mention = make_question(author=stranger, body="@ken, an old one")
    bumped = make_question(author=stranger, title="Bumped later?")
    expected = []
    for i in range(feeds.PAGE_SIZE + 2):
        expected.append(make_question(author=ken))
        if i % 4 == 0:
            expected.append(make_question(author=stranger, body="@ken any idea?"))
            make_question(author=owner, body="@ken, private", community=secret)
    actions.post_answer(post=bumped, author=stranger, body="Ask @ken about it")
    expected.append(bumped)
    first = feeds.home_feed(me, tab="network")
    second = feeds.home_feed(me, tab="network", cursor=first.next_cursor)
    newest_first = expected[::-1] + [old_mention]
    assert posts_in(first) == newest_first[: feeds.PAGE_SIZE]
    assert posts_in(second) == newest_first[feeds.PAGE_SIZE :]


def test_home_side_panels_list_the_readers_own_communities_and_tags_as_they_change(
    make_user, make_community, client_for
):
    """The side panels come from the same reading of the reader's follows and memberships
    as the feed: their own communities (a private one too) and tags, by name, and a
    change shows on the next page."""
    me, owner = make_user(), make_user()
    make_community("Zeta", owner=owner, members=[me])
    secret = make_community("Alpha room", owner=owner, private=True, members=[me])
    make_community("Not mine", owner=owner)
    make_community("Hidden", owner=owner, private=True)
    for name in ("zsh", "ansible"):
        tag = Tag.objects.create(name=name, slug=name)
        set_follow_tag(follower=me, tag=tag, following=True)
    client = client_for(me)

    def side(tab):
        html = client.get(f"/?tab={tab}").content.decode()
        return html[html.index('<aside class="side-column">') :]

    for tab in feeds.TABS:
        text = side(tab)
        assert text.index("Alpha room") < text.index("Zeta") and "private" in text
        assert "Not mine" not in text and "Hidden" not in text
        assert text.index("#ansible") < text.index("#zsh")
    actions.leave_community(user=me, community=secret)
    set_follow_tag(follower=me, tag=Tag.objects.get(name="zsh"), following=False)
    text = side("all")
    assert "Alpha room" not in text and "#zsh" not in text
    assert "Zeta" in text and "#ansible" in text


def test_tag_page_says_whether_the_reader_follows_the_tag(make_user, make_question, client_for):
    me = make_user()
    make_question(author=make_user(), tags=["ops"])
    client = client_for(me)
    assert 'aria-pressed="false">Follow<' in client.get("/tags/ops/").content.decode()
    set_follow_tag(follower=me, tag=Tag.objects.get(name="ops"), following=True)
    assert 'aria-pressed="true">Following<' in client.get("/tags/ops/").content.decode()


def test_followed_tags_join_a_page_that_followed_peoples_posts_already_fill(
    make_user, make_community, make_question, monkeypatch
):
    """Followed tags' posts active since the page's oldest are read together: all of them
    take their place, a post carrying two followed tags once, a private one never."""
    monkeypatch.setattr(feeds, "RECENT_WINDOW", 40)
    me, ken, stranger, owner = make_user(), make_user(), make_user(), make_user()
    set_follow_person(follower=me, person=ken, following=True)
    secret = make_community("M&A", owner=owner, private=True)
    for _ in range(20):  # older than the window, which then holds the page
        make_question(author=stranger)
    old_tagged = make_question(author=stranger, tags=["ops"])
    expected = []
    for i in range(feeds.PAGE_SIZE + 2):
        expected.append(make_question(author=ken))
        if i % 3 == 0:
            expected.append(make_question(author=stranger, tags=["ops", "ci"][: 1 + i % 2]))
            make_question(author=owner, tags=["ops"], community=secret)
    for name in ("ops", "ci"):
        set_follow_tag(follower=me, tag=Tag.objects.get(name=name), following=True)
    first = feeds.home_feed(me, tab="network")
    second = feeds.home_feed(me, tab="network", cursor=first.next_cursor)
    newest_first = expected[::-1] + [old_tagged]
    assert posts_in(first) == newest_first[: feeds.PAGE_SIZE]
    assert posts_in(second) == newest_first[feeds.PAGE_SIZE :]


def test_a_page_filled_by_old_posts_still_finds_every_newer_tag_and_mention(
    make_user, make_community, make_question, monkeypatch
):
    """Followed people's page lies outside the recent window (they post rarely) while a
    community fills the page: tags and mentions are read in full, not only since then."""
    monkeypatch.setattr(feeds, "RECENT_WINDOW", 10)
    me, ken, stranger = make_user("me"), make_user("ken"), make_user()
    set_follow_person(follower=me, person=ken, following=True)
    community = make_community("Platform", owner=stranger, members=[me])
    by_ken = make_question(author=ken)
    in_community = [
        make_question(author=stranger, community=community) for _ in range(feeds.PAGE_SIZE)
    ]
    tagged = make_question(author=stranger, tags=["ops"])
    mentioning = make_question(author=stranger, body="@ken?")
    for _ in range(12):  # pushes everything above out of the recent window
        make_question(author=stranger)
    set_follow_tag(follower=me, tag=Tag.objects.get(name="ops"), following=True)
    shown = posts_in(feeds.home_feed(me, tab="network"))
    assert shown == ([mentioning, tagged] + in_community[::-1] + [by_ken])[: feeds.PAGE_SIZE]


def test_later_pages_of_tag_reads_hold_every_post_once_whatever_its_tags(make_user, make_question):
    """A cursor page read the tag's rows through a second join, so a post with three tags
    came three times and the page held a third of the posts it should."""
    me, author = make_user(), make_user()
    made = [make_question(author=author, tags=["ops", "ci", "hr"]) for _ in range(35)]
    set_follow_tag(follower=me, tag=Tag.objects.get(name="ops"), following=True)
    ops = Tag.objects.get(name="ops").pk
    newest_first = made[::-1]
    reads = {
        "tag page": lambda cursor: feeds.tag_feed(me, ops, cursor=cursor),
        "my tags": lambda cursor: feeds.home_feed(me, tab="mytags", cursor=cursor),
        "network": lambda cursor: feeds.home_feed(me, tab="network", cursor=cursor),
    }
    for name, read in reads.items():
        first = read(None)
        second = read(first.next_cursor)
        assert posts_in(first) == newest_first[: feeds.PAGE_SIZE], name
        assert posts_in(second) == newest_first[feeds.PAGE_SIZE :], name
        assert second.next_cursor is None, name


def test_card_rows_give_each_post_its_own_tags_mentions_and_the_readers_likes_only(
    make_user, make_question, django_assert_num_queries
):
    reader = make_user("reader")
    ana = make_user("ana", display_name="Ana Silva")
    ben = make_user("ben", display_name="Ben Ode")
    first = make_question(author=ana, tags=["ops", "db"], body="@ben and @reader?")
    second = make_question(author=ben, tags=["db"], body="@ana?")
    plain = make_question(author=ben)
    actions.set_like(user=reader, post=first, liked=True)
    actions.set_like(user=ana, post=second, liked=True)
    posts = list(feeds.with_card_data(feeds.Post.objects.filter(pk__in=[first.pk, second.pk])))
    posts.append(feeds.Post.objects.get(pk=plain.pk))

    with django_assert_num_queries(1):  # no badge: no second query
        rows = feeds.card_rows(reader, posts)

    assert rows.liked == {first.pk}
    assert rows.mentioned == {
        first.pk: [(ben.pk, "Ben Ode"), (reader.pk, reader.profile.display_name)],
        second.pk: [(ana.pk, "Ana Silva")],
        plain.pk: [],
    }
    tags = {post.pk: [tag.name for tag in post.tags.all()] for post in posts}
    assert tags == {first.pk: ["ops", "db"], second.pk: ["db"], plain.pk: []}
    assert all(post.standard_badges == [] for post in posts)  # type: ignore[attr-defined]


def test_card_rows_read_more_posts_than_a_page(make_user, make_question):
    reader = make_user("reader")
    posts = [make_question(author=reader, tags=[f"t{i}"]) for i in range(feeds.PAGE_SIZE + 3)]
    feeds.card_rows(reader, posts)
    assert [[tag.name for tag in post.tags.all()] for post in posts] == [
        [f"t{i}"] for i in range(feeds.PAGE_SIZE + 3)
    ]


def test_card_posts_come_newest_first_with_their_rows_and_before_the_cursor(
    make_user, make_community, make_question, django_assert_num_queries
):
    ana = make_user("ana", display_name="Ana Silva")
    community = make_community("Platform", owner=ana)
    posts = [make_question(author=ana, community=community if i % 2 else None) for i in range(4)]
    ids = [posts[2].pk, posts[0].pk, posts[3].pk, posts[1].pk]  # any order

    with django_assert_num_queries(1):
        shown = feeds.card_posts(ids, None)
        names = [(p.author.profile.display_name, p.community and p.community.name) for p in shown]
    assert shown == posts[::-1]
    assert names == [("Ana Silva", "Platform"), ("Ana Silva", None)] * 2

    cursor = feeds.encode_cursor(shown[1])
    assert feeds.card_posts(ids, cursor) == posts[1::-1]
    # A hand-made cursor without a zone is read in the default one, as the ORM reads it.
    naive = timezone.make_naive(shown[1].last_activity_at).isoformat()
    assert feeds.card_posts(ids, f"{naive}_{shown[1].pk}") == posts[1::-1]
