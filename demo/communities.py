"""The demo company's communities (demo/data/communities.toml), and their names as the
posts and the drafts refer to them."""

from __future__ import annotations

from dataclasses import dataclass

from demo.datafiles import read, records

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


COMMUNITIES = records(CommunitySpec, read("communities")["communities"])
