"""The demo company's communities: one list of names, used by the posts and the drafts."""

from __future__ import annotations

from dataclasses import dataclass

PLATFORM = "Platform"
RELEASE = "Release engineering"
SALES = "Sales enablement"
SUPPORT = "Support & escalations"
LEADERSHIP = "Leadership"
FALCON = "Project Falcon (M&A)"


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    description: str
    owner: str
    members: tuple[str, ...]
    private: bool = False


COMMUNITIES = [
    CommunitySpec(
        PLATFORM,
        "Kubernetes, CI, observability and the paved road every team builds on.",
        owner="maria",
        members=("ken", "aisha", "tom", "yuki", "priya", "lucas"),
    ),
    CommunitySpec(
        RELEASE,
        "Builds, signing, release trains, rollbacks and the release calendar.",
        owner="tom",
        members=("ken", "aisha", "maria", "yuki", "carlos"),
    ),
    CommunitySpec(
        SALES,
        "Demo scripts, pricing questions, competitive notes and wins.",
        owner="emma",
        members=("daniel", "grace", "noah", "hannah", "carlos", "lucas"),
    ),
    CommunitySpec(
        SUPPORT,
        "Customer escalations, workarounds and what we learned from them.",
        owner="carlos",
        members=("fatima", "daniel", "priya", "aisha", "emma"),
    ),
    CommunitySpec(
        LEADERSHIP,
        "Planning, headcount and people topics for the leadership team.",
        owner="hannah",
        members=("maria", "anna", "ines", "carlos", "peter"),
        private=True,
    ),
    CommunitySpec(
        FALCON,
        "Due diligence and integration planning for Project Falcon. Confidential: keep it here.",
        owner="peter",
        members=("hannah", "anna", "lucas", "aisha"),
        private=True,
    ),
]
