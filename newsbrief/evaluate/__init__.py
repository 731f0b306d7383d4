"""Evaluation: read benchmark clusters, run summarizers side by side, score with ROUGE.

``datasets`` reads the cluster formats researchers have on disk, ``runner`` runs
registered summarizers over the same clusters, ``rouge`` scores their output and
``commands`` adds the ``summarize-batch`` and ``evaluate`` subcommands.
"""

from newsbrief.evaluate.datasets import Cluster, cluster_story, iter_clusters, load_clusters

__all__ = ["Cluster", "cluster_story", "iter_clusters", "load_clusters"]
