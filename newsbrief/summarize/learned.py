"""The learned sentence scorer, evaluated with numpy alone.

``scripts/train_scorer.py`` fits a small gradient-boosted tree ensemble
(scikit-learn's ``HistGradientBoostingRegressor``) on Multi-News *train* and
exports its trees as flat arrays to ``newsbrief/data/sentence_scorer.npz``.
Here the trees are walked for all sentences and all trees at once, one tree
level per numpy step, so scoring a story costs microseconds per sentence and
importing scikit-learn (about a second, the whole start-up budget of the CLI)
is never needed at run time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from newsbrief.summarize.features import FEATURE_NAMES

#: The model file shipped in the package (see module docstring).
DEFAULT_MODEL = "sentence_scorer.npz"


@dataclass(frozen=True, slots=True, eq=False)
class TreeEnsemble:
    """Regression trees as arrays of shape (n_trees, n_nodes); leaves point to themselves."""

    feature: np.ndarray  # int, feature column tested at each node
    threshold: np.ndarray  # float, go left when value <= threshold
    left: np.ndarray  # int, child node index
    right: np.ndarray  # int
    value: np.ndarray  # float, leaf value (0 for inner nodes)
    baseline: float
    depth: int
    feature_names: tuple[str, ...]
    # Flat copies with global node numbers (1-D gathers are the fastest numpy does).
    _flat: tuple[np.ndarray, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n_trees, n_nodes = self.feature.shape
        offsets = (np.arange(n_trees) * n_nodes)[:, np.newaxis]
        # Both children of node k side by side, right at 2k and left at 2k + 1, so a
        # step down is one gather at ``2 * node + goes_left``.
        children = np.stack(((self.right + offsets).ravel(), (self.left + offsets).ravel()), axis=1)
        flat = (
            self.feature.ravel(),
            self.threshold.ravel(),
            children.ravel(),
            self.value.ravel(),
            offsets.ravel(),
        )
        object.__setattr__(self, "_flat", flat)

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Predicted score of each row of ``features`` (n_rows, n_features)."""
        n_rows, n_features = features.shape
        if n_rows == 0:
            return np.zeros(0)
        n_trees = self.feature.shape[0]
        feature, threshold, children, value, offsets = self._flat
        flat = np.ascontiguousarray(features, dtype=np.float64).ravel()
        row_start = np.tile(np.arange(n_rows) * n_features, n_trees)
        node = np.repeat(offsets, n_rows)
        for _ in range(self.depth):
            goes_left = flat[row_start + feature[node]] <= threshold[node]
            node = children[2 * node + goes_left]
        return self.baseline + value[node].reshape(n_trees, n_rows).sum(axis=0)


@dataclass(frozen=True, slots=True, eq=False)
class ScorerModel:
    """The shipped scorer: word priors (a feature input) and the tree ensemble."""

    trees: TreeEnsemble
    priors: dict[str, float]  # word stem -> P(reappears in a human summary)
    default_prior: float  # for stems without a prior


def trees_from_archive(
    archive: Mapping[str, np.ndarray], meta: dict[str, Any], columns: np.ndarray | None = None
) -> TreeEnsemble:
    """The ``TreeEnsemble`` stored in a model file's arrays and ``meta`` record.

    ``columns`` renumbers the features (the file numbers them in its own list).
    """
    feature = archive["feature"].astype(np.int64)
    return TreeEnsemble(
        feature=feature if columns is None else columns[feature],
        threshold=archive["threshold"].astype(np.float64),
        left=archive["left"].astype(np.int64),
        right=archive["right"].astype(np.int64),
        value=archive["value"].astype(np.float64),
        baseline=float(meta["baseline"]),
        depth=int(meta["depth"]),
        feature_names=tuple(meta["feature_names"]),
    )


@functools.cache
def load_model(name: str = DEFAULT_MODEL) -> ScorerModel:
    """The packaged scorer called ``name`` (read once per process; it is immutable)."""
    with resources.files("newsbrief").joinpath("data", name).open("rb") as handle:
        archive = np.load(handle, allow_pickle=False)
        meta = json.loads(str(archive["meta"]))
        names = tuple(meta["feature_names"])
        unknown = sorted(set(names) - set(FEATURE_NAMES))
        if unknown:
            raise ValueError(
                f"model {name} uses features this version does not compute ({', '.join(unknown)});"
                " retrain with scripts/train_scorer.py"
            )
        # The model numbers its features in its own list; point them at the columns
        # ``features.analyse`` computes.
        columns = np.array([FEATURE_NAMES.index(n) for n in names], dtype=np.int64)
        trees = trees_from_archive(archive, meta, columns)
        values = archive["prior_values"].astype(np.float64)
        priors = dict(zip(archive["prior_words"].tolist(), values[:-1].tolist(), strict=True))
        model = ScorerModel(trees=trees, priors=priors, default_prior=float(values[-1]))
    return model
