"""Trained readers of aspects: small linear models whose weights ship beside this module
(`models/*.json.gz`; their data, licence and how they were trained are in
`models/SOURCE.md`). Running one is a dot product over named features, in pure Python: no
numpy or scikit-learn at run time (they are used only to train, by
scripts/train_aspect_model.py).
"""

from __future__ import annotations

import gzip
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

MODELS = Path(__file__).with_name("models")
POLARITY = "aspect_polarity.json.gz"
TERMS = "aspect_terms.json.gz"


@cache
def load(name: str) -> dict[str, Any] | None:
    """A model file as {"labels", "bias", "weights": {feature: [w per label]}, ...};
    None when it is missing (the rules then decide alone)."""
    path = MODELS / name
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def probabilities(model: dict[str, Any], features: dict[str, float]) -> dict[str, float]:
    """The model's probability of each label for one mention's features (softmax of the
    linear scores, with the model's prior correction added to the bias)."""
    weights = model["weights"]
    scores = [b + p for b, p in zip(model["bias"], model.get("prior_shift", [0.0] * len(model["bias"])), strict=True)]
    for name, value in features.items():
        w = weights.get(name)
        if w is not None and value:
            for i, wi in enumerate(w):
                scores[i] += wi * value
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {label: e / total for label, e in zip(model["labels"], exps, strict=True)}
