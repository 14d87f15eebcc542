"""questions.permissions.mentionable(_q): the one rule for who can be mentioned where."""

from __future__ import annotations

from profiles.models import Profile, User
from questions.permissions import mentionable, mentionable_q


def test_anyone_can_be_mentioned_outside_private_communities_without_a_query(
    make_user, make_community, django_assert_num_queries
):
    owner, ana, bob = make_user("owner"), make_user("ana"), make_user("bob")
    open_one = make_community("Open", owner=owner)
    with django_assert_num_queries(0):
        assert mentionable([bob, ana], None) == [bob, ana]
        assert mentionable([bob, ana], open_one) == [bob, ana]
    assert set(User.objects.filter(mentionable_q(open_one))) == {owner, ana, bob}


def test_only_members_can_be_mentioned_in_a_private_community(
    make_user, make_community, django_assert_num_queries
):
    owner, ana, bob = make_user("owner"), make_user("ana"), make_user("bob")
    club = make_community("Club", owner=owner, private=True, members=[ana])
    with django_assert_num_queries(1):
        assert mentionable([bob, ana, owner], club) == [ana, owner]  # in their order
    assert set(User.objects.filter(mentionable_q(club))) == {owner, ana}
    members = Profile.objects.filter(mentionable_q(club, via="user__"))
    assert set(members.values_list("user__username", flat=True)) == {"owner", "ana"}
