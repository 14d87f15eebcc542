"""A new person's home: instead of "Nothing here yet.", colleagues, tags and communities to
follow and the questions waiting in their topics; never the person themselves, departed
people, or anything of a private community they are not in."""

from __future__ import annotations

import pytest

from profiles.actions import mark_departed, set_declared_topics, set_follow_person
from questions import actions
from questions.first_day import FirstDay, first_day
from reports.expertise import recompute_expertise


@pytest.fixture
def office(make_user, make_department, make_question, make_answer, make_community):
    """Nia starts today in Engineering and knows about #kubernetes. Around her: a department
    colleague, an expert on #kubernetes in Sales, a departed expert and a departed
    colleague, an open and a private community, and questions in and out of her topics."""
    engineering = make_department("Engineering")
    sales = make_department("Sales")
    nia = make_user("nia", display_name="Nia New", department=engineering)
    set_declared_topics(user=nia, topics="kubernetes")
    ed = make_user("ed", display_name="Ed Engineer", department=engineering)
    gone = make_user("gone", display_name="Gone Colleague", department=engineering)
    kate = make_user("kate", display_name="Kate Kube", department=sales)
    olaf = make_user("olaf", display_name="Olaf Oldtimer", department=sales)
    boss = make_user("boss", display_name="Boss", is_staff=True)
    for expert, count in ((kate, 2), (olaf, 3)):
        for _ in range(count):
            make_answer(
                post=make_question(author=ed, tags=["kubernetes"]), author=expert, accepted=True
            )
    recompute_expertise()
    mark_departed(by=boss, user=gone)
    mark_departed(by=boss, user=olaf)
    open_one = make_community("Platform", owner=ed)
    secret = make_community("Mergers", owner=ed, private=True)
    waiting = make_question(author=ed, title="Why does the pod restart?", tags=["kubernetes"])
    hidden = make_question(
        author=ed, title="Secret cluster move?", tags=["kubernetes", "m-and-a"], community=secret
    )
    make_question(author=ed, title="Lunch options?", tags=["food"])
    own = make_question(author=nia, title="Where is the kube config?", tags=["kubernetes"])
    return {
        "nia": nia,
        "ed": ed,
        "kate": kate,
        "olaf": olaf,
        "gone": gone,
        "open": open_one,
        "secret": secret,
        "waiting": waiting,
        "hidden": hidden,
        "own": own,
    }


def suggestions(user) -> FirstDay:
    result = first_day(user, user.profile, feed_empty=True)
    assert result is not None
    return result


def _people(result):
    return [s.profile.user.username for s in result.people]


def test_suggests_experts_on_declared_topics_then_department_colleagues(office):
    nia = office["nia"]
    result = suggestions(nia)
    assert _people(result) == ["kate", "ed"]
    assert [s.reason for s in result.people] == [
        "2 accepted answers in #kubernetes",
        "Also in Engineering",
    ]


def test_never_suggests_oneself_departed_people_or_people_already_followed(office):
    nia = office["nia"]
    set_follow_person(follower=nia, person=office["ed"], following=True)
    people = _people(suggestions(nia))
    assert people == ["kate"]
    assert not {"nia", "gone", "olaf", "ed"} & set(people)


def test_suggests_declared_topics_and_open_communities_never_private_ones(office):
    nia = office["nia"]
    result = suggestions(nia)
    tag_names = [s.tag.name for s in result.tags]
    assert tag_names[0] == "kubernetes"
    assert "food" in tag_names
    assert "m-and-a" not in tag_names  # only on a private community's post
    assert [c.name for c in result.communities] == ["Platform"]


def test_a_member_of_the_private_community_is_not_offered_it_again(office):
    nia = office["nia"]
    actions.add_member(by=office["ed"], community=office["secret"], user=nia)
    result = suggestions(nia)
    assert [c.name for c in result.communities] == ["Platform"]
    assert office["hidden"] in result.waiting  # now hers to see


def test_waiting_questions_are_others_unanswered_ones_in_her_topics_she_may_see(
    office, make_answer
):
    nia = office["nia"]
    result = suggestions(nia)
    assert result.own_topics
    assert result.waiting == [office["waiting"]]
    make_answer(post=office["waiting"], author=office["kate"])
    assert suggestions(nia).waiting == []


def test_someone_with_no_topics_and_no_department_gets_popular_tags_and_a_nudge(office, make_user):
    newcomer = make_user("newbie", display_name="New Bie")
    result = suggestions(newcomer)
    assert result.profile_would_help and not result.own_topics
    assert result.people == []
    assert result.tags and "m-and-a" not in [s.tag.name for s in result.tags]
    assert office["hidden"] not in result.waiting
    assert office["waiting"] in result.waiting


def test_home_shows_the_first_day_instead_of_an_empty_feed(office, client_for):
    response = client_for(office["nia"]).get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Nothing here yet." not in text
    assert "People to follow" in text and "Kate Kube" in text
    assert "Gone Colleague" not in text and "Olaf Oldtimer" not in text
    assert 'action="/people/kate/follow/"' in text
    assert 'action="/tags/kubernetes/follow/"' in text
    assert 'action="/c/platform/membership/"' in text
    assert "Why does the pod restart?" in text
    assert "Secret cluster move?" not in text and "Mergers" not in text


def test_following_someone_from_the_first_day_works_without_javascript(office, client_for):
    client = client_for(office["nia"])
    response = client.post("/people/kate/follow/", {"following": "1"})
    assert response.status_code == 302
    text = client.get("/").content.decode()
    # Kate has only answered, so the feed shows Nia's own question and no first-day help.
    assert "Where is the kube config?" in text
    assert "People to follow" not in text


def test_a_newcomer_who_already_posted_still_gets_the_first_day_above_her_post(office, client_for):
    text = client_for(office["nia"]).get("/").content.decode()
    assert text.index("People to follow") < text.index("Where is the kube config?")


def test_a_feed_with_posts_shows_them_not_the_first_day(office, client_for):
    nia = office["nia"]
    set_follow_person(follower=nia, person=office["ed"], following=True)
    text = client_for(nia).get("/").content.decode()
    assert "Why does the pod restart?" in text
    assert "People to follow" not in text


def test_first_day_reads_a_fixed_number_of_queries(
    office, make_question, django_assert_num_queries
):
    nia = office["nia"]
    for n in range(10):  # more colleagues, tags and waiting questions cost nothing more
        make_question(author=office["ed"], title=f"Question {n}?", tags=[f"t{n}", "kubernetes"])
    with django_assert_num_queries(7):
        result = suggestions(nia)
    assert len(result.waiting) == 5 and len(result.tags) == 8


def test_a_connected_person_with_posts_costs_two_queries_and_gets_none(
    office, django_assert_num_queries
):
    nia = office["nia"]
    actions.join_community(user=nia, community=office["open"])
    with django_assert_num_queries(2):
        assert first_day(nia, nia.profile, feed_empty=False) is None


def test_first_day_home_query_count_is_pinned(office, client_for, django_assert_max_num_queries):
    client = client_for(office["nia"])
    client.get("/")  # warm the session and caches
    with django_assert_max_num_queries(25):
        response = client.get("/")
    assert "People to follow" in response.content.decode()
