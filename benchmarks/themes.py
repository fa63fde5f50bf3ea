"""Benchmark: aspects and their sentiment against SemEval-2014 Task 4 (restaurants).

    python benchmarks/themes.py DATA.xml [--baseline] [--folds 5] [--errors 20]

DATA.xml is the task's XML (sentences with `aspectTerm` and `aspectCategory`, each with a
polarity); the data stays outside this repository. Prints:

- aspect term extraction precision / recall / F1 (exact term, case-insensitive);
- term polarity accuracy (positive / neutral / negative; "conflict" terms left out),
  asked for the data's own terms;
- category detection F1 over the data's categories (ours mapped onto them; a sentence with
  none of ours is "anecdotes/miscellaneous") and category polarity accuracy;
- the top-15 complaints and praise, ranked as the dashboard ranks them, each checked
  against the data: real when the data has it as a term, said negatively more often than
  positively (for praise the reverse).

`--baseline` measures the app before aspects (phrases and whole-sentence VADER); `--rules`
the aspect rules without the trained models of inbox/services/models/.
`--folds N` prints the figures on N disjoint slices too, to see how much they vary.
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inbox.services import aspects  # noqa: E402
from inbox.services.aspect_ranking import AspectCount, standouts  # noqa: E402
from inbox.services.text_signals import fold  # noqa: E402

# Ours -> the data's categories (its "service" includes waiting and ordering).
TO_SEMEVAL = {"food": "food", "service": "service", "wait": "service", "ordering": "service",
              "price": "price", "ambience": "ambience", "clean": "ambience", "app": None, "other": None}
MISC = "anecdotes/miscellaneous"


@dataclass
class Sentence:
    text: str
    terms: list[tuple[str, str, int, int]] = field(default_factory=list)   # term, polarity, from, to
    categories: dict[str, str] = field(default_factory=dict)


def load(path: Path) -> list[Sentence]:
    out = []
    for node in ET.parse(path).getroot().iter("sentence"):
        s = Sentence(node.findtext("text") or "")
        for t in node.iter("aspectTerm"):
            s.terms.append((t.get("term", ""), t.get("polarity", ""), int(t.get("from", 0)), int(t.get("to", 0))))
        for c in node.iter("aspectCategory"):
            s.categories[c.get("category", "")] = c.get("polarity", "")
        out.append(s)
    return out


def _baseline_terms(text: str) -> tuple[set[str], str]:
    from inbox.services.sentiment import analyzer, label_for_score, sentiment_words
    from inbox.services.text_signals import phrases

    label = label_for_score(analyzer().polarity_scores(text)["compound"])
    return set(phrases(text, sentiment_words=sentiment_words())), label


def _score_label(scores: list[float]) -> str:
    total = sum(scores)
    return "positive" if total > 0 else "negative" if total < 0 else "neutral"


VALUE = {"positive": 1.0, "negative": -1.0, "neutral": 0.0}


def measure(data: list[Sentence], baseline: bool = False, errors: int = 0) -> dict[str, float]:
    tp = fp = fn = 0
    pol_ok = pol_n = 0
    cat_tp = cat_fp = cat_fn = 0
    cpol_ok = cpol_n = 0
    mentions: dict[str, AspectCount] = {}
    gold_counts: dict[str, Counter] = defaultdict(Counter)
    fps: Counter = Counter()
    fns: Counter = Counter()
    wrong_pol: list[str] = []
    for s in data:
        gold = {t.lower() for t, *_ in s.terms}
        for t, pol, *_ in s.terms:
            gold_counts[_norm(t)][pol] += 1
        if baseline:
            found, label = _baseline_terms(s.text)
            gold_folded = {" ".join(fold(w) for w in g.split()) for g in gold}
            tp += len(found & gold_folded)
            fp += len(found - gold_folded)
            fn += len(gold_folded - found)
            for _t, pol, *_ in s.terms:
                if pol != "conflict":
                    pol_n += 1
                    pol_ok += label == pol
            for pol in s.categories.values():
                if pol != "conflict":
                    cpol_n += 1
                    cpol_ok += label == pol
            for p in found:
                c = mentions.get(p, AspectCount())
                mentions[p] = AspectCount(c.positive + (label == "positive"), c.neutral + (label == "neutral"),
                                          c.negative + (label == "negative"))
            continue
        found_mentions = aspects.analyse(s.text)
        found = {m.surface.lower() for m in found_mentions}
        tp += len(found & gold)
        fp += len(found - gold)
        fn += len(gold - found)
        fps.update(found - gold)
        fns.update(gold - found)
        for m in found_mentions:
            c = mentions.get(m.term, AspectCount())
            mentions[m.term] = AspectCount(c.positive + (m.polarity == "positive"),
                                           c.neutral + (m.polarity == "neutral"),
                                           c.negative + (m.polarity == "negative"))
        for t, pol, start, end in s.terms:
            if pol == "conflict":
                continue
            got = aspects.polarity_at(s.text, start, end)
            pol_n += 1
            pol_ok += got == pol
            if got != pol and len(wrong_pol) < errors:
                wrong_pol.append(f"  {t!r}: {got} (data: {pol}) in {s.text!r}")
        # categories
        by_cat: dict[str, list[float]] = defaultdict(list)
        for m in found_mentions:
            cat = TO_SEMEVAL.get(m.category)
            if cat:
                by_cat[cat].append(VALUE[m.polarity])
        predicted = set(by_cat) or {MISC}
        gold_cats = set(s.categories)
        cat_tp += len(predicted & gold_cats)
        cat_fp += len(predicted - gold_cats)
        cat_fn += len(gold_cats - predicted)
        whole = aspects.text_polarity(s.text)
        for cat, pol in s.categories.items():
            if pol == "conflict":
                continue
            cpol_n += 1
            got = _score_label(by_cat[cat]) if by_cat.get(cat) else whole
            if got == "neutral" and by_cat.get(cat) and cat != MISC:
                got = whole if all(v == 0 for v in by_cat[cat]) else got
            cpol_ok += got == pol
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    cp = cat_tp / (cat_tp + cat_fp) if cat_tp + cat_fp else 0.0
    cr = cat_tp / (cat_tp + cat_fn) if cat_tp + cat_fn else 0.0
    result = {"extraction_precision": precision, "extraction_recall": recall, "extraction_f1": f1,
              "term_polarity": pol_ok / pol_n if pol_n else 0.0,
              "category_f1": 2 * cp * cr / (cp + cr) if cp + cr else 0.0,
              "category_polarity": cpol_ok / cpol_n if cpol_n else 0.0}
    for label, name in (("negative", "complaints"), ("positive", "praise")):
        top = standouts(mentions, label, top=15)
        real = [s for s in top if _real(gold_counts.get(s.term), label)]
        result[f"top15_{name}_real"] = len(real)
        result[f"top15_{name}"] = ", ".join(f"{s.term}{'' if s in real else '(x)'}" for s in top)  # type: ignore[assignment]
    if errors and not baseline:
        print("most frequent extra terms:", fps.most_common(errors))
        print("most frequent missed terms:", fns.most_common(errors))
        print("polarity errors:\n" + "\n".join(wrong_pol))
    return result


def _norm(term: str) -> str:
    """The data's term merged as the app merges aspects (case, plural)."""
    words = term.split()
    return aspects._key(words) if words else ""


def _real(counts: Counter | None, label: str) -> bool:
    if not counts:
        return False
    other = "positive" if label == "negative" else "negative"
    return counts[label] > counts[other]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--baseline", action="store_true", help="the app before aspects")
    ap.add_argument("--rules", action="store_true", help="the rules alone, without the trained models")
    ap.add_argument("--folds", type=int, default=0, help="also print figures on N disjoint slices")
    ap.add_argument("--errors", type=int, default=0, help="print the N most common errors")
    args = ap.parse_args()
    data = load(args.data)
    if args.rules:
        from inbox.services import aspect_model

        aspect_model.MODELS = ROOT / "no-models"
    aspects.warm_up()
    t0 = time.process_time()
    result = measure(data, args.baseline, args.errors)
    cpu = time.process_time() - t0
    print(f"{len(data)} sentences, {sum(len(s.terms) for s in data)} aspect terms"
          f"{' (baseline: phrases, whole-text VADER)' if args.baseline else ''}")
    for k, v in result.items():
        print(f"  {k:26} {v:.3f}" if isinstance(v, float) else f"  {k:26} {v}")
    print(f"  cpu per sentence           {cpu / len(data) * 1000:.2f} ms (both passes, process time)")
    if args.folds:
        for i in range(args.folds):
            part = measure(data[i::args.folds], args.baseline)
            print(f"  fold {i + 1}: " + "  ".join(f"{k}={v:.3f}" for k, v in part.items() if isinstance(v, float)))


if __name__ == "__main__":
    main()
