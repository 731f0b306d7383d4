"""Evaluation: read benchmark clusters, run summarizers side by side, score with ROUGE.

``datasets`` reads the cluster formats researchers have on disk, ``runner`` runs
registered summarizers over the same clusters, ``rouge`` scores their output and
``commands`` adds the ``summarize-batch`` and ``evaluate`` subcommands.

The names below load on first use, so that registering the subcommands (which
imports ``newsbrief.evaluate.commands``, hence this package) does not pull in
numpy and the text tools on every ``newsbrief`` start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Cluster", "cluster_story", "iter_clusters", "load_clusters"]

if TYPE_CHECKING:
    from newsbrief.evaluate.datasets import Cluster, cluster_story, iter_clusters, load_clusters


def __getattr__(name: str) -> Any:
    """Import ``newsbrief.evaluate.datasets`` when one of its names is first used."""
    if name not in __all__:
        raise AttributeError(f"module 'newsbrief.evaluate' has no attribute {name!r}")
    from newsbrief.evaluate import datasets

    return getattr(datasets, name)
