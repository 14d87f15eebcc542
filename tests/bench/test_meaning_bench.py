"""The meaning benchmark's figures: P@1 and MRR@10 computed right, the evaluation file read
as its README says (placeholders skipped)."""

from __future__ import annotations

import numpy as np

from bench.meaning_bench import load_threads, rank_figures


def test_rank_figures_count_the_own_thread_first_and_its_reciprocal_rank():
    documents = np.eye(3, dtype=np.float32)
    queries = np.array([[1, 0.1, 0], [0.2, 1, 0], [0.9, 0.1, 0.5], [0, 0, 0]], np.float32)
    # The first two rank their own thread first; the third finds thread 2 second (0.5 after
    # 0.9); the last ties everywhere and, sorted stably, puts thread 0 first, not its own 1.
    labels = np.array([0, 1, 2, 1])
    p1, mrr = rank_figures(documents, queries, labels)
    assert p1 == 0.5
    assert abs(mrr - (1 + 1 + 1 / 2 + 1 / 2) / 4) < 1e-9


def test_the_evaluation_file_is_read_without_placeholders(tmp_path):
    path = tmp_path / "eval.xml"
    path.write_text(
        "<root><qapair><rephr>\n How do I cross out text?\n</rephr><rephr>\n*\n</rephr>"
        "<question>\nStrikethrough in Markdown\n</question>"
        "<answer>  Use ~~tildes~~.  </answer><answer>\n</answer></qapair></root>"
    )
    [thread] = load_threads(path)
    assert thread.title == "Strikethrough in Markdown"
    assert thread.answers == ["Use ~~tildes~~."]
    assert thread.paraphrases == ["How do I cross out text?"]
