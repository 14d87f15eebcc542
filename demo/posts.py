"""Demo content for `manage.py seed_demo`: communities, questions, status updates, answers,
and drafts (files shared for feedback, see demo.drafts) with their versions.

Everything is written through questions.actions and profiles.actions, so mentions, counters
and rendered HTML are the real thing. Only timestamps are moved afterwards (with update(),
spread over the last DAYS days) so the feed looks lived-in rather than created a second ago.
Drafts' versions are slotted in among the other posts in time order, so that each version's
comments come before the next version, which answers them; downloads move to the days after
their version, and each draft's distinct person-days of downloads are counted again.

Deterministic (seeded Randoms; drafts have their own) and idempotent: if any demo person has
already posted, the content is left as it is, so a database someone is using is never mixed
with a second copy.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from taggit.models import Tag

from demo.communities import COMMUNITIES, FALCON, LEADERSHIP, PLATFORM, RELEASE, SALES, SUPPORT
from demo.drafts import DRAFTS
from demo.people import CORE_PEOPLE, DEMO_DOMAIN, LOCATIONS
from intranet.lib.tasks import wait_for_tasks
from profiles.actions import set_follow_person, set_follow_tag
from profiles.models import Notification, User
from questions.actions import (
    accept_answer,
    add_member,
    ask_question,
    create_community,
    join_community,
    post_answer,
    post_status,
    record_download,
    set_bookmark,
    set_feedback_wanted,
    set_like,
    share_draft,
    sync_tag_activity,
    upload_version,
)
from questions.models import (
    Answer,
    Community,
    DraftDownload,
    DraftVersion,
    Like,
    Mention,
    Post,
    VersionDownload,
)
from questions.tasks import extract_version_text

SEED = 20261124
DAYS = 90
UNANSWERED_SHARE = 0.07  # a handful of questions stay open, for the "Unanswered" tab

Progress = Callable[[int], object]


@dataclass(frozen=True)
class QuestionIdea:
    """A question; {placeholders} are filled per copy, so `repeat` copies differ."""

    title: str
    body: str
    tags: tuple[str, ...]
    answers: tuple[str, ...]
    askers: tuple[str, ...] = ()
    experts: tuple[str, ...] = ()
    community: str | None = None
    repeat: int = 1


@dataclass(frozen=True)
class StatusIdea:
    body: str
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    community: str | None = None
    replies: tuple[str, ...] = ()
    repeat: int = 1


ENGINEERS = ("ken", "aisha", "tom", "yuki", "priya", "maria")

FILLS: dict[str, Sequence[str]] = {
    "product": ("Atlas", "Beacon", "Compass", "Harbor", "Lighthouse"),
    "customer": (
        "Contoso",
        "Fabrikam",
        "Globex",
        "Initech",
        "Umbrella Health",
        "Wayne Logistics",
        "Tailspin Toys",
    ),
    "cluster": ("prod-eu-1", "prod-us-2", "staging-eu", "ci-runners"),
    "quarter": ("Q3", "Q4", "Q1"),
    "month": ("September", "October", "November"),
    "city": LOCATIONS[:5],
    "role": ("backend engineer", "product designer", "support specialist", "product manager"),
    "industry": ("retail", "healthcare", "logistics", "fintech"),
    "table": ("orders", "events", "invoices", "audit_log"),
    "topic": ("orders", "clickstream", "billing-events"),
    "language": ("German", "Japanese", "Portuguese", "French"),
    "os": ("Ubuntu 24.04", "macOS 15", "Windows 11"),
}

QUESTIONS = [
    QuestionIdea(
        "Release signing for {product} {version} fails with 'key not found': who owns the HSM?",
        "The nightly for **{product} {version}** stopped at the signing step:\n\n"
        "```\ncosign sign: error: key not found: awskms:///alias/release-signing\n```\n\n"
        "Did the alias change? {mention}, I think you touched this last.",
        ("release", "signing", "security"),
        (
            "The alias was rotated on Monday as part of the yearly key rotation. Point the job "
            "at `alias/release-signing-2025` and re-run it; the runbook is updated.",
            "Also check that the job's role has `kms:Sign` on the *new* key. That bit me last "
            "time and the error message is the same.",
            "We should pin the key by ARN in the pipeline instead of the alias, then a rotation "
            "is a one-line PR. I'll open one and tag {mention}.",
        ),
        askers=("yuki", "aisha", "priya"),
        experts=("tom", "ken"),
        community=RELEASE,
        repeat=4,
    ),
    QuestionIdea(
        "How do I get read access to the {cluster} cluster?",
        "I'm new on the team and need to look at logs in **{cluster}**. Is there a group I "
        "should request, or does someone add me by hand?",
        ("kubernetes", "access", "onboarding"),
        (
            "Request the `k8s-readonly` group for {cluster} in the access portal; your manager "
            "approves it. Then:\n\n```\ntsh login --proxy=teleport.northwind.example\n"
            "tsh kube login {cluster}\nkubectl get pods -n your-team\n```",
            "Read-only is enough for logs. If you need `exec`, ask {mention} for the on-call "
            "role; it's time-boxed to 8 hours.",
            "The onboarding checklist has this as step 4 now, thanks for asking in the open!",
        ),
        askers=("yuki", "priya", "oliver", "emma"),
        experts=("ken", "maria"),
        community=PLATFORM,
        repeat=4,
    ),
    QuestionIdea(
        "Pods in {cluster} stuck in CrashLoopBackOff after the base image bump",
        "Since this morning's base image update, our workers in **{cluster}** restart every "
        "few seconds:\n\n```\nBack-off restarting failed container worker\n"
        "exec /app/entrypoint.sh: no such file or directory\n```\n\nAnything change in the "
        "image layout? cc {mention}",
        ("kubernetes", "docker", "incident"),
        (
            "The new base image is distroless, so there's no `/bin/sh` for your entrypoint "
            "script. Either switch the entrypoint to the binary or pin the previous digest "
            "until you've migrated.",
            "We pinned the digest for now and opened a ticket to drop the shell script. "
            "Thanks {mention}!",
            "Release notes for the base images are in the Platform community, it was announced "
            "two weeks ago, but I agree it was easy to miss.",
        ),
        askers=("aisha", "priya", "yuki"),
        experts=("ken", "maria", "tom"),
        community=PLATFORM,
        repeat=3,
    ),
    QuestionIdea(
        "What's the expense policy for home-office equipment in {city}?",
        "My chair is falling apart. What can I expense for a home office, and does it differ "
        "by country?",
        ("expenses", "finance", "remote-work"),
        (
            "Up to 500 EUR (or local equivalent) every three years for chair, desk and monitor. "
            "File it in the expense tool under *Home office* with the receipt.",
            "Same rules everywhere, but in some countries it's taxable above a threshold. "
            "{mention} can tell you for your location.",
            "Tip: the facilities team also has spare monitors in most offices, just ask.",
        ),
        askers=("yuki", "fatima", "noah", "sofia", "oliver"),
        experts=("anna", "julia"),
        repeat=4,
    ),
    QuestionIdea(
        "Can I expense a co-working day pass when travelling to {city}?",
        "I'll be near {city} for a customer visit and our office there is full. Is a day pass "
        "at a co-working space OK?",
        ("expenses", "travel"),
        (
            "Yes, up to 30 EUR a day, booked as *Travel: workspace*. Add the customer visit in "
            "the description so it isn't queried.",
            "If you're there more than a week, ask {mention} to book a desk with our partner "
            "network instead, it's cheaper.",
        ),
        askers=("daniel", "emma", "fatima", "noah"),
        experts=("anna", "julia"),
        repeat=3,
    ),
    QuestionIdea(
        "What should a new {role} read in their first week?",
        "Someone joins my team next Monday. Beyond the onboarding checklist, what did you find "
        "most useful when you started?",
        ("onboarding", "documentation"),
        (
            "The architecture overview and the last three post-incident reviews. They explain "
            "more about how things really work than any diagram.",
            "Honestly: this intranet. Search for the questions your team answered last quarter.",
            "Pair them with a buddy outside the team. {mention} did that for me and it was the "
            "best part of my first month.",
            "The *How we work* handbook page, especially the parts on writing things down.",
        ),
        askers=("maria", "carlos", "hannah", "oliver"),
        experts=("aisha", "ines", "ken"),
        repeat=4,
    ),
    QuestionIdea(
        "{customer} escalation: exports time out for accounts with more than 50k records",
        "{customer} is on a call with us tomorrow. Their CSV export times out after 60 s.\n\n"
        "- Account size: ~80k records\n- Started after the {product} {version} release\n\n"
        "Is there a workaround we can offer today? {mention}",
        ("customer-escalation", "support", "performance"),
        (
            "Workaround: split the export by date range (Settings → Export → Advanced). The real "
            "fix, streaming the export in chunks, is in review.",
            "I reproduced it: the new audit columns added a join per row. The fix is small, "
            "I'll ask {mention} to fast-track it into the next patch release.",
            "Let's tell them the date of the fix rather than a vague \"soon\". I've updated the "
            "ticket with what to say.",
        ),
        askers=("carlos", "fatima", "daniel"),
        experts=("priya", "aisha"),
        community=SUPPORT,
        repeat=4,
    ),
    QuestionIdea(
        "Design review for the new {product} onboarding flow: who should be invited?",
        "We have hi-fi mocks ready. I'd like feedback from engineering, support and one "
        "customer-facing person. Who's the right set, and how long should we book?",
        ("design-review", "ux", "onboarding"),
        (
            "Keep it small: one engineer who'll build it, {mention} from support, and a PM. "
            "45 minutes, with the mocks shared a day before.",
            "Post the Figma link here first so people can comment async, then the meeting is "
            "only for the disagreements.",
            "Invite Sales too, they hear the onboarding complaints before anyone else.",
        ),
        askers=("oliver", "sofia"),
        experts=("hannah", "lucas", "carlos"),
        repeat=3,
    ),
    QuestionIdea(
        "How do we run a design review without it turning into a committee?",
        "Our last two design reviews ended with twelve opinions and no decision. How do other "
        "teams keep them useful?",
        ("design-review", "process"),
        (
            "Name the decider up front and write the question you need answered at the top of "
            "the doc. Feedback that doesn't help answer it goes to a parking lot.",
            "Time-box comments to 48 hours, then the author summarises and decides.",
            "We started writing *what we are not deciding today*. It cut our reviews in half.",
        ),
        askers=("oliver",),
        experts=("hannah", "sofia", "maria"),
    ),
    QuestionIdea(
        "Which search relevance metrics do we report for {product}?",
        "For the {quarter} review I need to show whether search got better. Do we have an "
        "agreed set of metrics, or does every team pick its own?",
        ("search", "metrics", "product"),
        (
            "We report click-through on the first three results and the share of searches "
            "with no click. The dashboard is linked from the Search team page.",
            "Add *time to first click*; it moved most when we improved ranking. {mention} "
            "has the query.",
        ),
        askers=("lucas", "hannah"),
        experts=("priya",),
        repeat=3,
    ),
    QuestionIdea(
        "Postgres: is it safe to add an index concurrently on `{table}` during business hours?",
        "The `{table}` table is ~200M rows. I want to add an index on `(account_id, "
        "created_at)`. Is `CREATE INDEX CONCURRENTLY` safe at noon, or should I wait for the "
        "maintenance window?",
        ("postgresql", "database", "migrations"),
        (
            "`CONCURRENTLY` doesn't block writes, but it does two table scans and adds I/O. "
            "Fine at noon for most tables; watch replication lag.",
            "Remember it can't run inside a transaction, so in Django use "
            "`AddIndexConcurrently` with `atomic = False` on the migration.",
            "If it fails halfway it leaves an `INVALID` index behind. Drop it before retrying.",
        ),
        askers=("aisha", "priya"),
        experts=("ken",),
        community=PLATFORM,
        repeat=4,
    ),
    QuestionIdea(
        "What is the process to request a new SaaS tool?",
        "Marketing would like to try a webinar platform. Who do I talk to first: IT, Finance "
        "or Legal?",
        ("procurement", "security", "finance"),
        (
            "Start with the procurement form: it routes to Security for the vendor review and "
            "to Finance for budget. Legal only joins if there's personal data.",
            "Budget under 1,000 EUR a year can go on a team card, but the security review is "
            "still needed. {mention} runs those.",
        ),
        askers=("grace", "noah"),
        experts=("anna", "peter"),
    ),
    QuestionIdea(
        "Does anyone have a good {product} demo script for {industry} prospects?",
        "I have a first call with a {industry} prospect on Thursday. Any script or recorded "
        "demo that worked well?",
        ("sales", "demo", "enablement"),
        (
            "There's a recorded demo from last month in the Sales drive; skip the first five "
            "minutes. Lead with the reporting, {industry} buyers care most about audits.",
            "Use the demo tenant with realistic data, not the empty one. Ask {mention} for a "
            "fresh copy.",
            "I'd be happy to join the call as the sales engineer, ping me.",
        ),
        askers=("daniel", "noah"),
        experts=("emma",),
        community=SALES,
        repeat=4,
    ),
    QuestionIdea(
        "A prospect asks for our SOC 2 report: what can we share and when?",
        "{customer} asks for the SOC 2 Type II report before the second call. Can I send it, "
        "and do they need an NDA first?",
        ("security", "compliance", "sales"),
        (
            "Yes, after an NDA. Use the trust portal link: it tracks who downloaded what, so "
            "no attachments by e-mail please.",
            "The bridge letter covering the months since the last audit period is in the same "
            "portal. {mention} updates it every quarter.",
        ),
        askers=("daniel", "emma"),
        experts=("peter", "ken"),
        community=SALES,
        repeat=3,
    ),
    QuestionIdea(
        "Who approves a discount above 20% for {customer}?",
        "{customer} wants a three-year deal at 25% off list. What's the approval path?",
        ("pricing", "sales"),
        (
            "Above 20% needs the Head of Sales; above 30% also Finance. Put the margin "
            "calculation in the deal desk ticket.",
            "Try trading discount for term or prepayment first. {mention} has a calculator.",
        ),
        askers=("daniel",),
        experts=("hannah", "anna", "emma"),
        community=SALES,
        repeat=3,
    ),
    QuestionIdea(
        "Rollback plan for {product} {version}: keep the DB migration or revert it?",
        "{product} {version} adds a column and backfills it. If we roll back the app, do we "
        "keep the migration? The old code ignores the column, I think.",
        ("release", "migrations", "database"),
        (
            "Keep it. Migrations are forward-only for us: the old code tolerates extra "
            "columns, and reverting a backfill is riskier than leaving it.",
            "Only if the column is `NOT NULL` without a default would the old code break on "
            "insert. Check that before the release.",
            "Write the rollback decision in the release ticket so on-call doesn't have to "
            "guess at 2 am. cc {mention}",
        ),
        askers=("aisha", "yuki"),
        experts=("tom", "ken"),
        community=RELEASE,
        repeat=4,
    ),
    QuestionIdea(
        "Our CI takes 40 minutes on {product}: where do we start?",
        "Every PR on {product} waits ~40 minutes for CI. Before I start poking: is there a "
        "known list of the slow parts?",
        ("ci", "performance", "developer-experience"),
        (
            "Start with the test report's slowest 20 tests; for us a handful of integration "
            "tests were 60% of the time.",
            "Cache the dependency install layer. We went from 9 to 2 minutes on that alone.",
            "Split the suite across 4 runners. {mention} set this up for Atlas.",
        ),
        askers=("yuki", "aisha"),
        experts=("tom", "ken"),
        community=PLATFORM,
        repeat=3,
    ),
    QuestionIdea(
        "Post-incident review for the {cluster} outage: is there a template?",
        "I'm writing up last week's {cluster} outage. Is there a template we use, and who "
        "should review it?",
        ("incident", "postmortem", "process"),
        (
            "Template is in the on-call handbook: timeline, impact, contributing factors, "
            "actions with owners. Blameless, always.",
            "Share the draft here before the review meeting, {mention} usually catches the "
            "missing timeline bits.",
        ),
        askers=("ken", "tom"),
        experts=("maria",),
        community=PLATFORM,
        repeat=3,
    ),
    QuestionIdea(
        "How do I set up my laptop for the {product} repository?",
        "The README says `make dev`, which fails on step 3 with a missing `libpq`. What am I "
        "missing?",
        ("onboarding", "developer-experience"),
        (
            "Install the PostgreSQL client libraries first (`brew install libpq` on macOS) "
            "and add them to your `PATH`. I'll fix the README.",
            "Or use the dev container, it has everything: *Reopen in container* in your editor.",
        ),
        askers=("yuki", "priya", "oliver"),
        experts=("aisha", "tom"),
        repeat=4,
    ),
    QuestionIdea(
        "How does parental leave work if I move from {city} to another office?",
        "I may relocate next year and we're expecting a baby. Which country's policy applies?",
        ("hr", "benefits", "parental-leave"),
        (
            "The policy of the country where you're employed when the leave starts, with our "
            "global minimum of 16 weeks fully paid on top. Let's talk 1:1 about the timing.",
            "{mention} went through this last year and wrote a short guide, ask her for it.",
        ),
        askers=("tom", "fatima", "noah", "priya"),
        experts=("ines",),
        repeat=3,
    ),
    QuestionIdea(
        "How do referrals work and when is the bonus paid?",
        "A friend of mine might be a great fit for the open {role} role. How do I refer them?",
        ("recruiting", "hr"),
        (
            "Submit them through the referral form, not by forwarding a CV. The bonus is paid "
            "after they pass probation (usually 6 months).",
            "Tell them to mention your name in the application too. {mention} will reach out "
            "within a week.",
        ),
        askers=("ken", "emma", "yuki"),
        experts=("samuel",),
    ),
    QuestionIdea(
        "Can someone explain the {quarter} search OKR in plain words?",
        "The OKR says *improve findability of institutional knowledge*. What will we actually "
        "measure?",
        ("okrs", "search", "strategy"),
        (
            "Fewer duplicate questions and more questions answered within a day. Both are "
            "measured on this intranet.",
            "And a survey: *could you find what you needed?* {mention} owns that part.",
        ),
        askers=("yuki", "grace", "carlos"),
        experts=("lucas", "hannah"),
        repeat=3,
    ),
    QuestionIdea(
        "What do we do with feature flags that never got cleaned up in {product}?",
        "I count 140 flags in {product}, half of them at 100% for over a year. Is there a policy?",
        ("feature-flags", "tech-debt"),
        (
            "New rule since last quarter: every flag has an owner and an expiry date, and the "
            "linter fails after the expiry.",
            "For the old ones, a clean-up day per team works better than a policy. "
            "{mention} ran one for Beacon.",
        ),
        askers=("aisha", "yuki"),
        experts=("maria", "tom"),
        repeat=3,
    ),
    QuestionIdea(
        "How do we translate UI strings for the {language} launch?",
        "We launch {product} in {language} next quarter. Where do strings go, and who "
        "reviews the translations?",
        ("i18n", "frontend"),
        (
            "Strings live in the translation platform; CI pulls them nightly. Native-speaker "
            "review is done by the local sales team.",
            "Watch string length, {language} runs much longer in buttons. {mention} has a "
            "checklist.",
        ),
        askers=("yuki", "lucas"),
        experts=("oliver", "grace"),
        repeat=4,
    ),
    QuestionIdea(
        "Accessibility: what contrast ratio do we target in {product}?",
        "Some of our grey-on-white hints look pale. Do we target WCAG AA everywhere?",
        ("accessibility", "design-system", "frontend"),
        (
            "AA everywhere (4.5:1 for text), AAA for body text where we can. The design tokens "
            "already meet AA, so pale hints are probably a custom colour.",
            "Run the axe browser extension; it flags contrast issues immediately.",
        ),
        askers=("yuki", "oliver"),
        experts=("sofia",),
        repeat=3,
    ),
    QuestionIdea(
        "Where do I book a meeting room in the {city} office?",
        "I'm visiting {city} next week and need a room for four people on Tuesday.",
        ("office", "facilities"),
        (
            "Rooms are in the calendar as resources: search for *{city}* when you add a "
            "location. Visitors can book like everyone else.",
            "If you need a screen, pick one of the rooms marked *AV*.",
        ),
        askers=("daniel", "emma", "noah", "grace"),
        experts=("julia",),
        repeat=4,
    ),
    QuestionIdea(
        "How do I get the VPN working on {os}?",
        "The VPN client connects but no internal sites load. Anyone seen this on {os}?",
        ("it", "vpn"),
        (
            "That's DNS: the client didn't set the internal resolver. Reconnect with *Use "
            "VPN DNS* ticked.",
            "If it still fails, open an IT ticket with the client log; {mention} can check "
            "the profile.",
        ),
        askers=("priya", "oliver", "fatima"),
        experts=("ken", "julia"),
        repeat=4,
    ),
    QuestionIdea(
        "{customer} requests data deletion under GDPR: who signs off?",
        "{customer} sent an erasure request for three of their users. Support can delete "
        "them, but who confirms we're allowed to?",
        ("gdpr", "privacy", "legal", "support"),
        (
            "Legal confirms the request is valid (identity, scope), then Support runs the "
            "deletion script and logs it. Turnaround within 30 days.",
            "Forward the request to the privacy inbox and link the ticket here. {mention}",
        ),
        askers=("carlos", "fatima"),
        experts=("peter",),
        community=SUPPORT,
        repeat=3,
    ),
    QuestionIdea(
        "Can we reuse the {customer} case study in public marketing?",
        "The {customer} case study was written for a sales deck. Can we put it on the website?",
        ("marketing", "legal", "case-study"),
        (
            "Only with their written approval: the contract allows logo use, not quotes. "
            "I'll draft the request.",
            "{mention} has the contact there, they were happy last time we asked.",
        ),
        askers=("grace", "noah"),
        experts=("peter", "daniel"),
        repeat=3,
    ),
    QuestionIdea(
        "What's the cut-off date for {quarter} invoices?",
        "I have two supplier invoices dated end of month. When do they need to be in?",
        ("finance", "invoicing"),
        (
            "Third working day of the next month, in the invoices inbox. Later ones go into "
            "the next period.",
        ),
        askers=("julia", "grace", "samuel"),
        experts=("anna",),
        repeat=3,
    ),
    QuestionIdea(
        "Kafka consumer lag on `{topic}` after the deploy: expected?",
        "Lag on the `{topic}` consumer group jumped to 2M messages after the 14:00 deploy and "
        "is going down slowly. Expected, or should I page someone?",
        ("kafka", "data", "observability"),
        (
            "Expected for ~30 minutes: the deploy rebalanced the group. If it isn't shrinking "
            "after an hour, page the data on-call.",
            "We should make the consumers use cooperative rebalancing, it avoids most of "
            "this. {mention} has a branch.",
        ),
        askers=("priya",),
        experts=("ken", "aisha"),
        community=PLATFORM,
        repeat=3,
    ),
    QuestionIdea(
        "How do we write alerts that don't wake people up for nothing?",
        "Last week on-call got paged 11 times at night, 9 of them for things that could wait. "
        "Any guidelines?",
        ("observability", "on-call", "alerting"),
        (
            "Page only on symptoms users feel (error rate, latency) and send everything else "
            "to a ticket queue. Every page needs a runbook link.",
            "Review every night-time page in the weekly handover: keep, tune or delete.",
            "SLO burn-rate alerts cut our pages by 70%. {mention} can show the setup.",
        ),
        askers=("tom",),
        experts=("ken", "maria"),
        community=PLATFORM,
    ),
    QuestionIdea(
        "Which dashboard shows {product} error rates by customer?",
        "{customer} says they see errors all morning. Where can I check errors for just their "
        "tenant?",
        ("observability", "grafana", "support"),
        (
            "The *Tenant health* dashboard, filter by tenant id. Support has read access.",
            "If the tenant filter is empty, their traffic goes through the EU edge; switch "
            "the data source. {mention}",
        ),
        askers=("carlos", "fatima"),
        experts=("ken", "priya"),
        community=SUPPORT,
        repeat=3,
    ),
    QuestionIdea(
        "Should we pin base images by digest?",
        "Tags like `python:3.12-slim` move under us. Is pinning by digest worth the update churn?",
        ("docker", "security", "supply-chain"),
        (
            "Yes, with a bot that opens update PRs. You get reproducible builds and still "
            "stay current.",
            "And sign what we build, so pinning covers what we pull and signing covers what "
            "we ship.",
        ),
        askers=("aisha",),
        experts=("ken", "tom"),
        community=RELEASE,
    ),
    QuestionIdea(
        "How do we estimate the cost of the {cluster} cluster per team?",
        "Finance asks each team for its infrastructure cost. Is there a per-namespace cost "
        "report for {cluster}?",
        ("kubernetes", "finops", "cost"),
        (
            "The cost explorer has a namespace breakdown based on requests, not usage. Set "
            "realistic requests or your number will be off.",
            "{mention} shares the monthly report; ask to be added.",
        ),
        askers=("maria", "hannah"),
        experts=("ken", "anna"),
        repeat=3,
    ),
    QuestionIdea(
        "Naming release branches for {product}: `release/x.y` or `release-x.y`?",
        "Before we set up the {product} release train: which convention do the other products use?",
        ("git", "release"),
        (
            "`release/x.y`. The pipeline triggers on `release/*` and branch protection is "
            "set up for that pattern.",
        ),
        askers=("yuki", "aisha"),
        experts=("tom",),
        community=RELEASE,
        repeat=3,
    ),
    QuestionIdea(
        "What goes under 'impact' in the new performance review form?",
        "The new form has a box called *impact*. Is that outcomes for customers, or what I did?",
        ("performance-review", "hr"),
        (
            "Outcomes: what changed because of your work, with evidence. Links to posts here "
            "count as evidence.",
            "Write it for someone who doesn't know your team. {mention} has good examples.",
        ),
        askers=("yuki", "fatima", "noah", "tom"),
        experts=("ines",),
    ),
    QuestionIdea(
        "How do I give feedback on a design doc without blocking it?",
        "I have concerns about a colleague's design doc, but they aren't blockers. How do you "
        "phrase that?",
        ("design-docs", "feedback", "engineering"),
        (
            "Label every comment: *blocking*, *should* or *nit*. It removes the guessing.",
            "Approve with comments. If it's important but not blocking, suggest a follow-up "
            "ticket instead.",
        ),
        askers=("priya", "yuki"),
        experts=("aisha", "maria"),
    ),
    QuestionIdea(
        "Where is the brand kit with the {product} logo?",
        "I need the {product} logo in SVG for a conference slide.",
        ("brand", "marketing", "design"),
        (
            "Brand portal → Products → {product}. Use the dark variant on photos.",
            "{mention} can do a quick review of the slide if it goes to an external audience.",
        ),
        askers=("daniel", "emma", "samuel"),
        experts=("grace", "oliver"),
        repeat=3,
    ),
    QuestionIdea(
        "Interview loop for a {role}: which exercises do we use?",
        "I'm on my first interview panel for a {role}. Is there a standard exercise and a "
        "scoring guide?",
        ("recruiting", "interviewing"),
        (
            "Yes, each role has a loop page with the exercise and a scorecard. Shadow one "
            "interview before you run one.",
            "Write your notes before you read anyone else's. {mention} will send you the "
            "calibration recording.",
        ),
        askers=("aisha", "oliver", "carlos"),
        experts=("samuel",),
        repeat=3,
    ),
    QuestionIdea(
        "Headcount plan for {quarter}: what do we assume for attrition?",
        "Finance needs the {quarter} headcount plan by Friday. Last year we assumed 8% "
        "attrition, which was too low. What should we use?",
        ("planning", "headcount"),
        (
            "Use 11%, the trailing twelve months, and a separate line for backfills so we "
            "don't double count.",
            "Add the two open leadership roles as already approved. {mention} has the sheet.",
        ),
        askers=("hannah",),
        experts=("anna", "ines"),
        community=LEADERSHIP,
        repeat=3,
    ),
    QuestionIdea(
        "How do we communicate the office move in {city} before rumours start?",
        "The lease decision is final. What's the order: team leads, all-hands, then e-mail?",
        ("communications", "office"),
        (
            "Leads first, the same morning as the all-hands, so nobody hears it second hand. "
            "FAQ published right after.",
            "{mention} should be in the all-hands for the practical questions.",
        ),
        askers=("hannah",),
        experts=("ines", "maria"),
        community=LEADERSHIP,
    ),
    QuestionIdea(
        "Falcon: who reviews the target's open-source licences?",
        "The data room has their dependency list (~1,900 packages). We need a licence review "
        "before the signing. {mention}, can engineering help?",
        ("due-diligence", "legal", "open-source"),
        (
            "I can run a scanner over the SBOM and flag copyleft licences for Legal. Two days.",
            "Please do. Anything AGPL in their hosted product is a red flag for us.",
        ),
        askers=("peter",),
        experts=("aisha",),
        community=FALCON,
    ),
    QuestionIdea(
        "Falcon: how would their search stack fit into {product}?",
        "If the deal closes, we inherit their search service. Keep it, or migrate their "
        "customers to ours?",
        ("due-diligence", "search", "architecture"),
        (
            "Keep it for a year behind our API, then migrate. Their ranking is better for "
            "long documents and customers will notice.",
            "Agree. {mention}, can we estimate the hosting cost for that year?",
        ),
        askers=("lucas",),
        experts=("aisha", "hannah"),
        community=FALCON,
    ),
]

STATUSES = [
    StatusIdea(
        "Shipped **{product} {version}** to production 🎉 Thanks {mention} for the late-night "
        "signing fix.",
        ("release",),
        authors=("tom",),
        community=RELEASE,
        repeat=5,
    ),
    StatusIdea(
        "Upgrading the {cluster} node pool today; expect a few pod restarts around 14:00 CET. "
        "cc {mention}",
        ("kubernetes", "maintenance"),
        authors=("ken",),
        community=PLATFORM,
        repeat=4,
    ),
    StatusIdea(
        "Writing up the post-incident review for yesterday's `{topic}` consumer lag. Draft "
        "here by Friday.",
        ("incident", "postmortem"),
        authors=("ken", "priya"),
        community=PLATFORM,
        repeat=3,
    ),
    StatusIdea(
        "Heads-up: the {city} office kitchen is closed on Friday for renovation. Coffee on the "
        "3rd floor instead.",
        ("office",),
        authors=("julia",),
        repeat=4,
    ),
    StatusIdea(
        "Just closed **{customer}**! Huge thanks to {mention} for the demo environment.",
        ("sales", "wins"),
        authors=("daniel", "emma"),
        community=SALES,
        replies=("Congratulations! 🎉", "Well deserved, that was a long cycle."),
        repeat=5,
    ),
    StatusIdea(
        "Running usability tests of the {product} onboarding flow with five customers this "
        "week. Notes will be posted here.",
        ("ux", "research", "onboarding"),
        authors=("sofia",),
        repeat=4,
    ),
    StatusIdea(
        "Reminder: expense reports for {month} are due by the 5th. Missing receipts hold up "
        "the whole batch.",
        ("expenses", "finance"),
        authors=("anna",),
        repeat=4,
    ),
    StatusIdea(
        "Paired with {mention} on the flaky {product} integration tests: failure rate down "
        "from 12% to 2%.",
        ("testing", "ci"),
        authors=("yuki", "aisha"),
        repeat=4,
    ),
    StatusIdea(
        "New dashboard: {product} p95 latency by region. Feedback welcome!",
        ("observability", "grafana"),
        authors=("ken", "priya"),
        community=PLATFORM,
        repeat=3,
    ),
    StatusIdea(
        "Starting a reading group on *Designing Data-Intensive Applications*: Thursdays at "
        "16:00, {city} office or video. Who's in?",
        ("learning", "engineering"),
        authors=("aisha",),
        replies=("I'm in!", "Count me in, remotely.", "Can we record the sessions?"),
    ),
    StatusIdea(
        "Welcome {mention} to the team! Their first week is all about onboarding, say hi.",
        ("onboarding", "welcome"),
        authors=("carlos", "ines", "maria", "samuel"),
        replies=("Welcome aboard! 👋", "Welcome! Ping me if you need anything."),
        repeat=5,
    ),
    StatusIdea(
        "The {customer} escalation is resolved: exports now stream in chunks. Thanks "
        "{mention} for the quick fix.",
        ("support", "customer-escalation"),
        authors=("carlos", "fatima"),
        community=SUPPORT,
        repeat=4,
    ),
    StatusIdea(
        "Today I learned: `kubectl debug` can attach an ephemeral container to a running pod. "
        "No more baking curl into images.",
        ("kubernetes", "til"),
        authors=("aisha", "yuki", "priya"),
    ),
    StatusIdea(
        "Design review for the {product} settings page moved to Wednesday. Async comments on "
        "the Figma file until then, {mention}.",
        ("design-review", "ux"),
        authors=("oliver",),
        repeat=3,
    ),
    StatusIdea(
        "Our {quarter} hackathon theme is *make Support's day easier*. Sign-ups open until Friday.",
        ("hackathon",),
        authors=("maria", "hannah"),
        repeat=3,
    ),
    StatusIdea(
        "Finished the SOC 2 evidence collection for {quarter}. Thank you all for the screenshots!",
        ("security", "compliance"),
        authors=("peter", "ken"),
        repeat=3,
    ),
    StatusIdea(
        "Moving the search index to new hardware tonight; search may be stale for about ten "
        "minutes around 22:00.",
        ("search", "maintenance"),
        authors=("priya",),
        repeat=3,
    ),
    StatusIdea(
        "Brown-bag on Friday: how we cut CI time on {product} by 40%. Bring lunch.",
        ("ci", "learning"),
        authors=("tom",),
        repeat=3,
    ),
    StatusIdea(
        "Out of office Monday to Wednesday; {mention} is covering on-call.",
        ("on-call",),
        authors=("ken", "tom", "aisha"),
        repeat=4,
    ),
    StatusIdea(
        "Pricing page copy for {quarter} is ready for review. Comments by Thursday please, "
        "{mention}.",
        ("marketing", "pricing"),
        authors=("grace",),
        community=SALES,
        repeat=3,
    ),
    StatusIdea(
        "Tried the new expense tool's receipt scanner: it reads even crumpled taxi receipts.",
        ("expenses",),
        authors=("noah", "emma", "daniel"),
    ),
    StatusIdea(
        "Leadership offsite notes are up. Top theme: fewer, bigger bets in {quarter}.",
        ("planning", "strategy"),
        authors=("hannah",),
        community=LEADERSHIP,
        repeat=3,
    ),
    StatusIdea(
        "Falcon: data room access granted to {mention}. Keep notes in this community only.",
        ("due-diligence",),
        authors=("peter",),
        community=FALCON,
        repeat=3,
    ),
    StatusIdea(
        "Retired the old `deploy.sh`: everything goes through the release pipeline now.",
        ("release", "ci"),
        authors=("tom",),
        community=RELEASE,
    ),
    StatusIdea(
        "Load test of {product} {version}: 3,000 requests/s sustained, p99 under 250 ms.",
        ("performance", "release"),
        authors=("ken", "aisha"),
        community=RELEASE,
        repeat=4,
    ),
    StatusIdea(
        "Recruiting update: three {role} offers accepted this month 🎉",
        ("recruiting",),
        authors=("samuel",),
        repeat=3,
    ),
    StatusIdea(
        "Reminder: security awareness training is due by the end of {month}.",
        ("security", "training"),
        authors=("peter", "julia"),
        repeat=3,
    ),
    StatusIdea(
        "Published the on-call runbook for {cluster}. If a step is unclear, reply here.",
        ("on-call", "documentation"),
        authors=("ken",),
        community=PLATFORM,
        repeat=3,
    ),
    StatusIdea(
        "First week done! Thanks {mention} for the onboarding buddy sessions.",
        ("onboarding",),
        authors=("yuki", "oliver", "fatima", "noah"),
        repeat=4,
    ),
    StatusIdea(
        "Quick poll: would you come to a monthly *ask Finance anything* hour? Reply below.",
        ("finance",),
        authors=("anna",),
        replies=("Yes please!", "Yes, especially around budget season.", "+1, remote friendly?"),
    ),
    StatusIdea(
        "Accessibility audit for {product}: 14 issues found, 9 fixed already. List in the "
        "design system repo.",
        ("accessibility", "design-system"),
        authors=("sofia", "yuki"),
        repeat=3,
    ),
    StatusIdea(
        "Customer call with {customer} went well: they want the {product} audit export. "
        "{mention}, can we talk roadmap?",
        ("customers", "product"),
        authors=("daniel", "carlos"),
        repeat=4,
    ),
    StatusIdea(
        "Working on the {quarter} search relevance report. If you noticed search getting "
        "worse somewhere, tell me!",
        ("search", "metrics"),
        authors=("lucas",),
        repeat=3,
    ),
    StatusIdea(
        "Shipping the new {language} translations for {product} this week. Thanks to the "
        "local teams who reviewed them.",
        ("i18n",),
        authors=("yuki",),
        repeat=3,
    ),
    StatusIdea(
        "Blog post draft: *what we learned from a year of working out loud*. Reviewers "
        "welcome, {mention}.",
        ("marketing", "writing"),
        authors=("grace",),
    ),
]

GENERIC_ANSWERS = (
    "I don't know the full answer, but {mention} sorted out something very similar last "
    "quarter. Worth a quick chat.",
    "We ran into the same thing in {city}. I'll link this thread from our team page so the "
    "next person finds it.",
    "Short version: ask your team first, then file a ticket if nobody knows within a day. "
    "The longer version is in the handbook.",
)
GENERIC_REPLIES = (
    "Nice work, thanks for sharing!",
    "Thanks for the heads-up.",
    "Great news. {mention} will be pleased.",
    "Can you share the link?",
    "+1, this saves me a lot of time.",
    "Love this. Is there a recording?",
    "🙌",
)
TAG_FOLLOWS = {
    "maria": ("kubernetes", "incident", "onboarding"),
    "ken": ("kubernetes", "observability", "on-call"),
    "aisha": ("postgresql", "design-docs"),
    "tom": ("release", "signing", "ci"),
    "yuki": ("frontend", "accessibility", "i18n"),
    "priya": ("kafka", "search"),
    "lucas": ("search", "metrics"),
    "hannah": ("strategy", "design-review"),
    "carlos": ("customer-escalation", "support"),
    "emma": ("sales", "pricing"),
    "anna": ("expenses", "finance"),
    "peter": ("gdpr", "legal", "security"),
    "ines": ("hr", "onboarding"),
    "sofia": ("ux", "accessibility"),
}
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


@dataclass
class _Seeded:
    """What was written for one post (or one version of a draft), kept to move its
    timestamps afterwards."""

    post: Post
    answers: list[Answer] = field(default_factory=list)
    version: DraftVersion | None = None  # a draft's version; answers are comments on it
    notified: list[int] = field(default_factory=list)  # its "new version" notifications


@dataclass(frozen=True)
class _DraftStep:
    """Version `number` of DRAFTS[draft]: number 1 shares the draft, later ones upload."""

    draft: int
    number: int


PlanItem = tuple[QuestionIdea | StatusIdea, int] | _DraftStep


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


class _Writer:
    def __init__(self, people: dict[str, User], progress: Progress) -> None:
        self.rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
        # Drafts draw from their own Random: the questions and statuses stay as they were.
        self.draft_rng = random.Random(SEED + 1)  # noqa: S311
        self.people = people
        self.progress = progress
        self.communities: dict[str, Community] = {}
        self.members: dict[str, list[str]] = {}
        self.seeded: list[_Seeded] = []
        self.used: set[str] = set()  # titles and status bodies written so far
        self.drafts: dict[int, Post] = {}  # index in DRAFTS -> its post
        self.download_counts: dict[int, set[int]] = {}  # per draft: its versions' counts
        self.counts = {
            "communities created": 0,
            "posts created": 0,
            "answers created": 0,
            "likes created": 0,
            "follows created": 0,
            "bookmarks created": 0,
            "drafts created": 0,
            "draft versions created": 0,
            "downloads recorded": 0,
        }

    # --- helpers ----------------------------------------------------------------------

    def audience(self, community: str | None) -> list[str]:
        """Usernames who can see a post in `community` (members only when it is private)."""
        if community is not None and community in self.members:
            return self.members[community]
        return list(self.people)

    def pick(self, preferred: Sequence[str], audience: Sequence[str], *, exclude: str) -> str:
        choices = [u for u in preferred if u in audience and u != exclude]
        if not choices or self.rng.random() < 0.25:
            choices = [u for u in audience if u != exclude]
        return self.rng.choice(choices)

    def values(
        self, *, mention_from: Sequence[str], audience: Sequence[str], author: str
    ) -> dict[str, str]:
        rng = self.rng
        values = {key: rng.choice(options) for key, options in FILLS.items()}
        values["version"] = f"{rng.randint(3, 5)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}"
        values["mention"] = "@" + self.pick(mention_from, audience, exclude=author)
        return values

    def fresh_values(
        self, text: str, *, mention_from: Sequence[str], audience: Sequence[str], author: str
    ) -> dict[str, str] | None:
        """Fill-ins that make `text` differ from every earlier copy; None if none found."""
        for _attempt in range(10):
            values = self.values(mention_from=mention_from, audience=audience, author=author)
            if _fill(text, values) not in self.used:
                self.used.add(_fill(text, values))
                return values
        return None

    # --- steps -----------------------------------------------------------------------

    def communities_and_members(self) -> None:
        for spec in COMMUNITIES:
            owner = self.people[spec.owner]
            community = Community.objects.filter(name=spec.name).first()
            if community is None:
                community = create_community(
                    creator=owner,
                    name=spec.name,
                    description=spec.description,
                    visibility="private" if spec.private else "open",
                )
                self.counts["communities created"] += 1
            for username in spec.members:
                if spec.private:
                    add_member(by=owner, community=community, user=self.people[username])
                else:
                    join_community(user=self.people[username], community=community)
            self.communities[spec.name] = community
            if spec.private:
                self.members[spec.name] = [spec.owner, *spec.members]

    def plan(self) -> list[tuple[QuestionIdea | StatusIdea, int]]:
        """Every (idea, copy) to write, shuffled so topics interleave in the feed."""
        ideas: list[QuestionIdea | StatusIdea] = [*QUESTIONS, *STATUSES]
        planned = [(idea, copy) for idea in ideas for copy in range(idea.repeat)]
        self.rng.shuffle(planned)
        return planned

    def timeline(self, planned: list[tuple[QuestionIdea | StatusIdea, int]]) -> list[PlanItem]:
        """The planned posts with every draft version slotted in among them.

        Posts are dated in the order they are written (see spread_timestamps), so a slot is
        a point in time: each draft's last version lands in the latter half of the period,
        its earlier versions a few days apart before it.
        """
        rng, n = self.draft_rng, len(planned)
        keyed: list[tuple[float, PlanItem]] = [(float(i), item) for i, item in enumerate(planned)]
        for index, idea in enumerate(DRAFTS):
            at = rng.uniform(0.5, 0.97) * n
            for number in range(len(idea.versions), 0, -1):
                keyed.append((at, _DraftStep(index, number)))
                at -= rng.uniform(0.035, 0.09) * n  # some 3 to 8 days between versions
        keyed.sort(key=lambda pair: pair[0])
        return [item for _key, item in keyed]

    def question(self, idea: QuestionIdea) -> _Seeded | None:
        audience = self.audience(idea.community)
        asker = self.pick(idea.askers, audience, exclude="")
        values = self.fresh_values(
            idea.title, mention_from=idea.experts, audience=audience, author=asker
        )
        if values is None:
            return None
        post = ask_question(
            author=self.people[asker],
            title=_fill(idea.title, values),
            body=_fill(idea.body, values),
            tags=list(idea.tags),
            community=self.communities.get(idea.community or ""),
        )
        seeded = _Seeded(post)
        if self.rng.random() < UNANSWERED_SHARE:
            return seeded
        texts = list(idea.answers) + [self.rng.choice(GENERIC_ANSWERS)]
        wanted = min(len(texts), self.rng.choice((1, 2, 2, 2, 3, 3, 4)))
        answerers: list[str] = []
        for text in texts[:wanted]:
            author = self.pick(idea.experts, audience, exclude=asker)
            if author in answerers:  # prefer a different colleague for each answer
                author = self.pick((), audience, exclude=asker)
            answerers.append(author)
            values["mention"] = "@" + self.pick(idea.experts, audience, exclude=author)
            answer = post_answer(
                post=post, author=self.people[author], body=_fill(text, values).strip()
            )
            seeded.answers.append(answer)
        if self.rng.random() < 0.6:
            # The asker usually accepts the first, most direct answer.
            chosen = seeded.answers[0 if self.rng.random() < 0.7 else -1]
            accept_answer(post=post, answer=chosen, by=self.people[asker])
        return seeded

    def status(self, idea: StatusIdea) -> _Seeded | None:
        audience = self.audience(idea.community)
        author = self.pick(idea.authors, audience, exclude="")
        values = self.fresh_values(
            idea.body, mention_from=audience, audience=audience, author=author
        )
        if values is None:
            return None
        post = post_status(
            author=self.people[author],
            body=_fill(idea.body, values),
            tags=list(idea.tags),
            community=self.communities.get(idea.community or ""),
        )
        seeded = _Seeded(post)
        replies = list(idea.replies) + list(GENERIC_REPLIES)
        for _ in range(self.rng.choice((0, 0, 1, 1, 2, 3))):
            replier = self.pick((), audience, exclude=author)
            values["mention"] = "@" + self.pick((), audience, exclude=replier)
            text = _fill(self.rng.choice(replies), values)
            seeded.answers.append(post_answer(post=post, author=self.people[replier], body=text))
        return seeded

    def draft_step(self, step: _DraftStep) -> _Seeded:
        """Share a draft or upload its next version; then the colleagues' comments on that
        version and their downloads of it (and, with the last version, likes)."""
        idea = DRAFTS[step.draft]
        spec = idea.versions[step.number - 1]
        author = self.people[idea.author]
        file = io.BytesIO(spec.build())
        notified: list[int] = []
        if step.number == 1:
            post = share_draft(
                author=author,
                title=idea.title,
                body=idea.body,
                file=file,
                filename=spec.filename,
                tags=list(idea.tags),
                community=self.communities.get(idea.community or ""),
            )
            self.drafts[step.draft] = post
            self.counts["drafts created"] += 1
        else:
            post = self.drafts[step.draft]
            before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
            upload_version(
                post=post,
                uploader=author,
                file=file,
                filename=spec.filename,
                change_note=spec.change_note,
            )
            notified = list(
                Notification.objects.filter(
                    pk__gt=before, post=post, verb=Notification.Verb.NEW_VERSION
                ).values_list("pk", flat=True)
            )
        version = post.current_version
        assert version is not None  # noqa: S101  (share_draft and upload_version set it)
        self.counts["draft versions created"] += 1
        seeded = _Seeded(post, version=version, notified=notified)
        for username, body in spec.comments:
            comment = post_answer(
                post=post, author=self.people[username], body=body, version=version
            )
            seeded.answers.append(comment)
        audience = self.audience(idea.community)
        self.draft_downloads(step, version, [u for u, _body in spec.comments], audience)
        last = step.number == len(idea.versions)
        self.draft_likes(seeded, audience, with_post=last)
        if last and idea.final:
            set_feedback_wanted(post=post, by=author, wanted=False)
        return seeded

    def draft_downloads(
        self, step: _DraftStep, version: DraftVersion, readers: list[str], audience: list[str]
    ) -> None:
        """Who downloaded this version: its commenters, and a few more who only read it. The
        number differs from the draft's other versions."""
        rng, author = self.draft_rng, DRAFTS[step.draft].author
        readers = [u for u in dict.fromkeys(readers) if u != author]
        others = [u for u in audience if u != author and u not in readers]
        used = self.download_counts.setdefault(step.draft, set())
        wanted = len(readers) + rng.randint(1, 5)
        while wanted in used and wanted < len(readers) + len(others):
            wanted += 1
        wanted = min(wanted, len(readers) + len(others))
        used.add(wanted)
        for username in readers + rng.sample(others, wanted - len(readers)):
            if record_download(version=version, user=self.people[username]):
                self.counts["downloads recorded"] += 1

    def draft_likes(self, seeded: _Seeded, audience: list[str], *, with_post: bool) -> None:
        """Likes on a version's comments (often from the author, as thanks) and, once the
        draft has its last version, on the draft itself."""
        rng, post = self.draft_rng, seeded.post
        for answer in seeded.answers:
            likers = [u for u in audience if self.people[u].pk != answer.author_id]
            chosen = rng.sample(likers, min(len(likers), rng.randint(0, 2)))
            thanks = post.author.username
            if thanks in likers and thanks not in chosen and rng.random() < 0.6:
                chosen.append(thanks)
            for username in chosen:
                set_like(user=self.people[username], answer=answer, liked=True)
                self.counts["likes created"] += 1
        if with_post:
            likers = [u for u in audience if self.people[u].pk != post.author_id]
            for username in rng.sample(likers, min(len(likers), rng.randint(2, 7))):
                set_like(user=self.people[username], post=post, liked=True)
                self.counts["likes created"] += 1

    def likes(self, seeded: _Seeded, community: str | None) -> None:
        audience = self.audience(community)
        targets: list[tuple[Post | None, Answer | None, int]] = [
            (seeded.post, None, seeded.post.author_id)
        ]
        targets += [(None, a, a.author_id) for a in seeded.answers]
        for post, answer, author_id in targets:
            likers = [u for u in audience if self.people[u].pk != author_id]
            most = 7 if post is not None else 4
            for username in self.rng.sample(likers, min(len(likers), self.rng.randint(0, most))):
                set_like(user=self.people[username], post=post, answer=answer, liked=True)
                self.counts["likes created"] += 1

    def follows_and_bookmarks(self) -> None:
        usernames = list(self.people)
        for username, person in self.people.items():
            others = [u for u in usernames if u != username]
            for other in self.rng.sample(others, self.rng.randint(3, 6)):
                set_follow_person(follower=person, person=self.people[other], following=True)
                self.counts["follows created"] += 1
            for tag in Tag.objects.filter(name__in=TAG_FOLLOWS.get(username, ())):
                set_follow_tag(follower=person, tag=tag, following=True)
                self.counts["follows created"] += 1
        questions = [s.post for s in self.seeded if s.post.is_question and s.answers]
        for username in ("maria", "ken", "aisha", "carlos", "yuki", "lucas"):
            visible = [
                p
                for p in questions
                if p.community_id is None or not self.communities_private(p.community_id)
            ]
            for post in self.rng.sample(visible, min(len(visible), 3)):
                set_bookmark(user=self.people[username], post=post, saved=True)
                self.counts["bookmarks created"] += 1

    def communities_private(self, community_id: int) -> bool:
        return any(c.pk == community_id and c.is_private for c in self.communities.values())

    def spread_timestamps(self, now: datetime) -> None:
        """Spread posts over the last DAYS days, answers after their post; oldest first.

        A draft's versions are dated like posts of their own; comments on a version come
        after it and before the next one."""
        span = timedelta(days=DAYS).total_seconds()
        offsets = sorted((self.rng.random() for _ in self.seeded), reverse=True)
        times = [now - timedelta(seconds=span * offset + 3600) for offset in offsets]
        # Until when each entry's answers may come: a draft version's comments end before
        # the draft's next version.
        until: list[datetime] = []
        next_version: dict[int, datetime] = {}
        for seeded, created in zip(reversed(self.seeded), reversed(times), strict=True):
            until.append(next_version.get(seeded.post.pk, now))
            if seeded.version is not None:
                next_version[seeded.post.pk] = created
        until.reverse()
        for seeded, created, limit in zip(self.seeded, times, until, strict=True):
            version = seeded.version
            latest = created
            mean = 300 if version is None else 900  # a document takes longer to read
            for answer in seeded.answers:
                delay = timedelta(minutes=self.rng.expovariate(1 / mean) + 5)
                latest = max(created, min(latest + delay, limit - timedelta(minutes=2)))
                Answer.objects.filter(pk=answer.pk).update(created_at=latest)
                Like.objects.filter(answer=answer).update(created_at=latest)
                Mention.objects.filter(answer=answer).update(created_at=latest)
            if version is not None:
                DraftVersion.objects.filter(pk=version.pk).update(created_at=created)
                Notification.objects.filter(pk__in=seeded.notified).update(created_at=created)
            if version is None or version.number == 1:
                Post.objects.filter(pk=seeded.post.pk).update(
                    created_at=created, last_activity_at=latest
                )
                Mention.objects.filter(post=seeded.post, answer=None).update(created_at=created)
            else:
                Post.objects.filter(pk=seeded.post.pk).update(last_activity_at=latest)
            Like.objects.filter(post=seeded.post).update(created_at=latest)
        self.date_downloads(now)
        sync_tag_activity(s.post.pk for s in self.seeded)

    def date_downloads(self, now: datetime) -> None:
        """Move each version's downloads to days between its upload and the next version
        (most people download within a day or two), then count each draft's distinct
        person-days again, as record_download would have on those days."""
        rng = self.draft_rng
        for post in self.drafts.values():
            versions = list(
                DraftVersion.objects.filter(post=post)
                .order_by("number")
                .values_list("pk", "created_at")
            )
            ends = [created for _pk, created in versions[1:]] + [now]
            for (pk, created), end in zip(versions, ends, strict=True):
                first, last = timezone.localdate(created), timezone.localdate(end)
                for download in VersionDownload.objects.filter(version_id=pk).order_by("pk"):
                    later = min((last - first).days, int(rng.expovariate(1 / 1.5)))
                    VersionDownload.objects.filter(pk=download.pk).update(
                        day=first + timedelta(days=later)
                    )
            person_days = sorted(
                set(
                    VersionDownload.objects.filter(version__post=post).values_list("user_id", "day")
                )
            )
            DraftDownload.objects.filter(post=post).delete()
            DraftDownload.objects.bulk_create(
                [DraftDownload(post=post, user_id=user_id, day=day) for user_id, day in person_days]
            )
            Post.objects.filter(pk=post.pk).update(download_count=len(person_days))

    def run(self) -> dict[str, int]:
        self.communities_and_members()
        for item in self.timeline(self.plan()):
            if isinstance(item, _DraftStep):
                step = self.draft_step(item)
                if item.number == 1:
                    self.progress(1)
                    self.counts["posts created"] += 1
                self.seeded.append(step)
                self.counts["answers created"] += len(step.answers)
                continue
            idea, _copy = item
            seeded = self.question(idea) if isinstance(idea, QuestionIdea) else self.status(idea)
            self.progress(1)
            if seeded is None:  # no distinct wording left for another copy
                continue
            self.likes(seeded, idea.community)
            self.seeded.append(seeded)
            self.counts["posts created"] += 1
            self.counts["answers created"] += len(seeded.answers)
        self.follows_and_bookmarks()
        self.spread_timestamps(timezone.now())
        settle_notifications()
        return self.counts


UNREAD_LEFT = 5


def settle_notifications() -> None:
    """Date the demo's notifications like what caused them, and leave only each person's
    newest few unread, so the bell shows what a returning colleague would see. (Notices of a
    draft's new version were dated with the version, in spread_timestamps.)"""
    Notification.objects.filter(answer__isnull=False).update(
        created_at=Subquery(Answer.objects.filter(pk=OuterRef("answer_id")).values("created_at"))
    )
    Notification.objects.filter(answer__isnull=True, post__isnull=False).exclude(
        verb=Notification.Verb.NEW_VERSION
    ).update(created_at=Subquery(Post.objects.filter(pk=OuterRef("post_id")).values("created_at")))
    now = timezone.now()
    # order_by(): the model's default ordering would make DISTINCT one row per notification.
    recipients = Notification.objects.order_by().values_list("recipient_id", flat=True)
    for user_id in recipients.distinct():
        keep = Notification.objects.filter(recipient_id=user_id).order_by("-created_at", "-pk")
        newest = list(keep.values_list("pk", flat=True)[:UNREAD_LEFT])
        keep.exclude(pk__in=newest).update(read_at=now)


def demo_people() -> dict[str, User]:
    usernames = [p.username for p in CORE_PEOPLE]
    found = User.objects.filter(username__in=usernames, email__endswith=f"@{DEMO_DOMAIN}")
    return {u.username: u for u in sorted(found, key=lambda u: usernames.index(u.username))}


def can_seed(people: dict[str, User]) -> bool:
    """All core people exist and none of them has posted yet (the idempotency key)."""
    return (
        len(people) == len(CORE_PEOPLE)
        and not Post.objects.filter(author__in=people.values()).exists()
    )


def pending_posts() -> int:
    """How many posts seed() would write now (for a progress bar)."""
    if not can_seed(demo_people()):
        return 0
    return sum(q.repeat for q in QUESTIONS) + sum(s.repeat for s in STATUSES) + len(DRAFTS)


def seed(*, progress: Progress = lambda n: None) -> dict[str, int]:
    """Write the demo communities and conversations once; returns what was created.

    Precondition: demo.people.seed ran (the core people exist). Skips everything when any
    demo person has already posted, so a second run (or a database in use) is left alone.
    """
    people = demo_people()
    writer = _Writer(people, progress)
    if not can_seed(people):
        return {what: 0 for what in writer.counts}
    with transaction.atomic():
        counts = writer.run()
    finish_text_extraction([s.version.pk for s in writer.seeded if s.version is not None])
    return counts


def finish_text_extraction(version_ids: Sequence[int]) -> None:
    """Have the drafts' text (preview and search) ready before seed_demo exits.

    Committing enqueued one extraction task per version. The default backend runs them on
    a background thread: wait for it, so that no work is left running when the command
    exits. Whatever is still pending (the database backend's queue, or a caller's outer
    transaction that has not committed, as in tests) is extracted here, inline; a worker
    that runs the queued task later only writes the same result again.
    """
    wait_for_tasks()
    pending = DraftVersion.objects.filter(pk__in=version_ids, text_status=DraftVersion.Text.PENDING)
    for pk in pending.values_list("pk", flat=True):
        extract_version_text.call(pk)
    # wait_for_tasks() waits for the tasks enqueued before the call; an extraction enqueues
    # its draft's reindexing when it commits, so a second round waits for those too.
    wait_for_tasks()
