"""Migrating a test database back to how it was before a move of models between apps."""

from __future__ import annotations

from django.db.migrations.executor import MigrationExecutor

Node = tuple[str, str]


def leaves_before(executor: MigrationExecutor, first_of_the_move: Node) -> list[Node]:
    """The leaf nodes of the last main before `first_of_the_move`: each app's newest
    migrations that neither are it nor depend on it (later moves, which depend on it too,
    are undone with it), every other migration applied as now."""
    graph = executor.loader.graph
    undone = set(graph.backwards_plan(first_of_the_move))
    kept = {node for node in graph.nodes if node not in undone}
    leaves: list[Node] = []
    for node in sorted(kept):
        children = graph.node_map[node].children
        if not any(child.key in kept and child.key[0] == node[0] for child in children):
            leaves.append(node)
    return leaves
