"""What happens to people that the apps above them react to: notifications (a FOLLOWED or
HANDOVER row, forgotten bells, closed sockets), search (the person's document) and the
posts (which carry their author's name).

People sit below those apps and may not call them, so the actions in profiles.actions send
these signals and the apps connect receivers in their AppConfig.ready() (notifications.people,
search.people, questions.people). They are plain synchronous Django signals, sent inside the
action's transaction: a receiver's writes commit or roll back with the action (a rolled-back
follow leaves no FOLLOWED notification), and a receiver with work for after the commit
(a push, forgetting a bell, closing sockets, reindexing) registers it with on_commit or an
after-commit queue, exactly as the action did when it called them directly. A receiver's
exception reaches the action's caller, as a direct call's would. For subscribers that must
only ever hear of committed changes (webhooks, the API) there are the domain events
(intranet.lib.domain_events), published after commit.

Every signal is sent with sender=User and the keyword arguments its comment names.
"""

from __future__ import annotations

from django.dispatch import Signal

# follower: User, person: User. The follower has just started following the person (sent
# once, when the Follow row is created; not on unfollowing).
person_followed = Signal()

# request: HandoverRequest, successors: list[User]. Staff (request.by) asked the leaving
# person (request.person) and these colleagues for a handover of request.tags. Each receiver
# returns how many people it notified (an int): ask_for_handover reports their sum.
handover_requested = Signal()

# user_id: int. What colleagues find about a person (name, title, department, declared
# topics, departure) may have changed, or the person has just been created.
person_changed = Signal()

# user_id: int, active: bool. The person may now sign in (active) or may no longer; when no
# longer, their sessions have already stopped authenticating.
person_active_changed = Signal()

# user_id: int. The person was anonymised: their name is "Former colleague #<id>" everywhere,
# including on what they wrote.
person_anonymised = Signal()

# user_id: int. The person was deleted (the id may be reused).
person_deleted = Signal()
