"""The demo company's communities (demo/data/communities.toml); the posts and the drafts
name theirs by `name`."""

from __future__ import annotations

from dataclasses import dataclass

from demo.datafiles import read, records


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    description: str
    owner: str
    members: tuple[str, ...]
    private: bool = False


COMMUNITIES = records(CommunitySpec, read("communities")["communities"])
