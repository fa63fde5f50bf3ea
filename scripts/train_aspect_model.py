"""Train the aspect models shipped in inbox/services/models/ from MAMS.

    pip install -e '.[train]'
    python scripts/train_aspect_model.py MAMS [--exclude SEMEVAL.xml ...] [--out PATH]

MAMS is the data set of Jiang et al., "A Challenge Dataset and Effective Models for
Aspect-Based Sentiment Analysis" (EMNLP-IJCNLP 2019), Apache-2.0, from the repository
siat-nlp/MAMS-for-ABSA: pass a checkout of it, or its bare git directory (read with
`git show HEAD:...`). `--exclude` drops every MAMS sentence equal or nearly equal (normalised
text) to a sentence of the given XML files, so that measuring on them does not leak (both
come from the same Citysearch reviews); the measuring data itself is only compared, never
learnt from or copied.

The polarity model is a multinomial logistic regression (scikit-learn, a training dependency only)
over `aspects.polarity_features_at`, the same features analysis computes; classes are
weighted to equal priors, since MAMS (every sentence holds two aspects of different
polarity) is neutral-heavy and reviews are not. Only the weights that matter are kept,
rounded, in gzipped JSON; the app runs it as a dot product (`aspect_model.py`). The term
model (`train_terms`) learns which of the rules' candidate aspects are aspect terms.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inbox.services import aspect_model, aspects  # noqa: E402

LABELS = ("positive", "neutral", "negative")
SOURCE = {"name": "MAMS (Jiang et al., EMNLP-IJCNLP 2019)", "repository": "github.com/siat-nlp/MAMS-for-ABSA",
          "licence": "Apache-2.0", "files": "data/MAMS-ATSA/raw/{train,val,test}.xml"}


def _read_xml(mams: Path, name: str) -> bytes:
    """A file of the MAMS repository, from a checkout or a bare git directory."""
    if (mams / name).exists():
        return (mams / name).read_bytes()
    git = mams if mams.name.endswith(".git") or (mams / "HEAD").exists() else mams / ".git"
    return subprocess.run(["git", "-C", str(git), "show", f"HEAD:{name}"], check=True, capture_output=True).stdout


def _commit(mams: Path) -> str:
    git = mams if mams.name.endswith(".git") or (mams / "HEAD").exists() else mams / ".git"
    out = subprocess.run(["git", "-C", str(git), "rev-parse", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip()


def terms(xml: bytes) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(from, to, polarity)]) per sentence of an ATSA file."""
    out = []
    for node in ET.fromstring(xml).iter("sentence"):
        found = [(int(t.get("from", 0)), int(t.get("to", 0)), t.get("polarity", ""))
                 for t in node.iter("aspectTerm")]
        out.append((node.findtext("text") or "", found))
    return out


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _shingles(text: str) -> set[str]:
    w = text.split()
    return {" ".join(w[i:i + 3]) for i in range(max(1, len(w) - 2))}


class Overlap:
    """Sentences of the measuring data, to find MAMS sentences equal or nearly equal to one:
    the same normalised text, a character similarity of 0.85 or more (difflib), or one
    holding 80% of the other's word trigrams (a sentence split or joined differently)."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = [normalise(t) for t in texts]
        self.exact = set(self.texts)
        self.shingles = [_shingles(t) for t in self.texts]
        self.index: dict[str, set[int]] = defaultdict(set)
        for i, s in enumerate(self.shingles):
            for g in s:
                self.index[g].add(i)

    def match(self, text: str) -> str | None:
        t = normalise(text)
        if t in self.exact:
            return "equal"
        s = _shingles(t)
        shared: Counter = Counter()
        for g in s:
            shared.update(self.index.get(g, ()))
        for i, n in shared.items():
            if n / len(s | self.shingles[i]) >= 0.3 and difflib.SequenceMatcher(None, t, self.texts[i]).ratio() >= 0.85:
                return "near"
            small = min(len(s), len(self.shingles[i]))
            if small >= 4 and n >= 0.8 * small:
                return "contained"
        return None


def examples(data, overlap: Overlap | None, dropped: Counter):
    feats, labels = [], []
    for text, found in data:
        if overlap and (why := overlap.match(text)):
            dropped[why] += 1
            continue
        for start, end, polarity in found:
            if polarity not in LABELS:
                continue
            f = aspects.polarity_features_at(text, start, end)
            if f is not None:
                feats.append(f)
                labels.append(polarity)
    return feats, labels


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mams", type=Path, help="a checkout (or bare git directory) of siat-nlp/MAMS-for-ABSA")
    ap.add_argument("--exclude", type=Path, action="append", default=[], help="SemEval-style XML to keep out")
    ap.add_argument("--out", type=Path, default=aspect_model.MODELS / aspect_model.POLARITY)
    ap.add_argument("--keep", type=int, default=6000, help="features kept (largest weights)")
    args = ap.parse_args()

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    aspects.warm_up()
    overlap = None
    if args.exclude:
        texts = [n.findtext("text") or "" for p in args.exclude for n in ET.parse(p).getroot().iter("sentence")]
        overlap = Overlap(texts)
    split = {}
    for name in ("train", "val", "test"):
        dropped: Counter = Counter()
        data = terms(_read_xml(args.mams, f"data/MAMS-ATSA/raw/{name}.xml"))
        split[name] = examples(data, overlap, dropped)
        print(f"{name}: {len(data)} sentences, dropped as in the measuring data: {sum(dropped.values())} "
              f"({dict(dropped)}); {len(split[name][1])} terms {dict(Counter(split[name][1]))}")

    vec = DictVectorizer()
    x_train = vec.fit_transform(split["train"][0])
    best = None
    for c in (0.05, 0.1, 0.2, 0.5, 1.0):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        model.fit(x_train, split["train"][1])
        acc = model.score(vec.transform(split["val"][0]), split["val"][1])
        print(f"C={c}: validation accuracy {acc:.3f}")
        if best is None or acc > best[0]:
            best = (acc, c)
    assert best
    # the final model learns from train and validation; test stays for the figure below
    train = split["train"][0] + split["val"][0], split["train"][1] + split["val"][1]
    model = LogisticRegression(C=best[1], class_weight="balanced", max_iter=3000)
    model.fit(vec.fit_transform(train[0]), train[1])
    order = [list(model.classes_).index(label) for label in LABELS]
    names = vec.get_feature_names_out()
    strength = abs(model.coef_).max(axis=0)
    kept = sorted(range(len(names)), key=lambda i: -strength[i])[:args.keep]
    weights = {str(names[i]): [round(float(model.coef_[k, i]), 3) for k in order] for i in sorted(kept)}
    shipped = {"labels": list(LABELS), "bias": [round(float(model.intercept_[k]), 4) for k in order],
               "weights": weights, "source": {**SOURCE, "commit": _commit(args.mams)},
               "trained": f"logistic regression, C={best[1]}, balanced classes, {len(train[1])} terms, "
                          f"{len(weights)} of {len(names)} features kept"}
    test_x, test_y = split["test"]
    full = model.score(vec.transform(test_x), test_y)
    pruned = sum(max((p := aspect_model.probabilities(shipped, f)), key=p.__getitem__) == y
                 for f, y in zip(test_x, test_y, strict=True)) / len(test_y)
    rules = sum(_rule_label(f) == y for f, y in zip(test_x, test_y, strict=True)) / len(test_y)
    print(f"MAMS test accuracy: rules {rules:.3f}, model {full:.3f}, as shipped {pruned:.3f}")
    _write(args.out, shipped)
    _write(args.out.with_name(aspect_model.TERMS), train_terms(args.mams, overlap, args.keep))


def _write(path: Path, model: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as f:   # no timestamp: reruns compare equal
        f.write(json.dumps(model, separators=(",", ":"), sort_keys=True).encode())
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


def train_terms(mams: Path, overlap: Overlap | None, keep: int) -> dict:
    """The term model: which of the rules' candidate aspects the annotators of MAMS marked as
    aspect terms (exact span), from `aspects.candidate_features`; all head-word weights are
    kept, since analysis lets the rules decide for heads the model never saw."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    split = {}
    for name in ("train", "val", "test"):
        x, y = [], []
        for node in ET.fromstring(_read_xml(mams, f"data/MAMS-ATSA/raw/{name}.xml")).iter("sentence"):
            text = node.findtext("text") or ""
            if overlap and overlap.match(text):
                continue
            gold = {t.get("term", "").lower() for t in node.iter("aspectTerm")}
            for surface, f in aspects.candidate_features(text):
                x.append(f)
                y.append("aspect" if surface.lower() in gold else "other")
        split[name] = x, y
    print(f"term candidates: {len(split['train'][1])} in training, {Counter(split['train'][1])}")
    vec = DictVectorizer()
    x_train = vec.fit_transform(split["train"][0])
    best = None
    for c in (0.1, 0.3, 1.0, 3.0):
        model = LogisticRegression(C=c, max_iter=3000).fit(x_train, split["train"][1])
        acc = model.score(vec.transform(split["val"][0]), split["val"][1])
        print(f"terms C={c}: validation accuracy {acc:.3f}")
        if best is None or acc > best[0]:
            best = (acc, c)
    assert best
    train = split["train"][0] + split["val"][0], split["train"][1] + split["val"][1]
    model = LogisticRegression(C=best[1], max_iter=3000).fit(vec.fit_transform(train[0]), train[1])
    print(f"terms: MAMS test accuracy {model.score(vec.transform(split['test'][0]), split['test'][1]):.3f}")
    names = vec.get_feature_names_out()
    # binary: one weight per feature for "aspect", none for "other"
    sign = 1.0 if model.classes_[1] == "aspect" else -1.0
    coef = model.coef_[0] * sign
    order = sorted(range(len(names)), key=lambda i: -abs(coef[i]))
    kept = {i for i in order[:keep]} | {i for i in range(len(names)) if str(names[i]).startswith("h:")}
    return {"labels": ["aspect", "other"], "bias": [round(float(model.intercept_[0] * sign), 4), 0.0],
            "weights": {str(names[i]): [round(float(coef[i]), 3), 0.0] for i in sorted(kept)},
            "source": {**SOURCE, "commit": _commit(mams)},
            "trained": f"logistic regression, C={best[1]}, {len(train[1])} candidates, "
                       f"{len(kept)} of {len(names)} features kept"}


def _rule_label(features: dict[str, float]) -> str:
    return next(label for label in LABELS if features.get("rule:" + label))


if __name__ == "__main__":
    main()
