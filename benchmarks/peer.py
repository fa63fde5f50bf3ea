"""Peer benchmark: the same review-like items indexed by notmuch (Xapian) and imported by
`inbox sync` of a file source, whole process, alternately, then searched both ways.

    python benchmarks/peer.py [--items 100000] [--rounds 2] [--seed 7] [--keep DIR]

Writes N seeded items as a CSV and as a maildir (one message per item), then per round:
`notmuch new` on a fresh database, and `inbox sources add file` + `inbox sync` into a fresh
inbox database. Then searches: `notmuch search` and `inbox search` as whole processes, and
`Store.search` in process. Without `notmuch` on PATH only the inbox half runs (with a note).
Reports wall time, the processes' CPU time (children's rusage) and CPU per item.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formataddr
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inbox.services import demo_text as T  # noqa: E402

QUERIES = ["croissant", "lukewarm", "rude", "harbour", "queue", "cardamom"]
INBOX_QUERIES = QUERIES  # the same words; both match words in any field


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    when: datetime
    name: str
    stars: int
    title: str
    text: str


def generate(n: int, seed: int) -> list[Review]:
    """Reviews like the demo's: an opener, one to three aspects, a closer; a tenth with no
    title; 3,000 different reviewers; times spread over two years, newest first."""
    rng = random.Random(seed)
    aspects = list(T.ASPECTS.values())
    start = datetime(2024, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        mood = rng.choice(("pos", "pos", "neg", "mid"))
        stars = {"pos": rng.choice((4, 5, 5)), "neg": rng.choice((1, 2)), "mid": 3}[mood]
        side = "neg" if mood == "neg" else "pos" if mood == "pos" else rng.choice(("pos", "neg"))
        parts = [rng.choice(a[side]) for a in rng.sample(aspects, rng.randint(1, 3))]
        opener = rng.choice(T.OPENERS[mood]).format(day=rng.choice(T.DAYS), who=rng.choice(T.WHO))
        text = f"{opener} {', and '.join(parts)}. {rng.choice(T.CLOSERS[mood])}".strip()
        title = rng.choice(T.TITLES[mood]) if rng.random() > 0.1 else ""
        who = rng.randrange(3000)
        name = f"{T.FIRST_NAMES[who % len(T.FIRST_NAMES)]} {T.LAST_NAMES[who % len(T.LAST_NAMES)]} {who}"
        out.append(Review(f"R{i}", start + timedelta(seconds=rng.randrange(2 * 365 * 86400)), name, stars,
                          title, text))
    return sorted(out, key=lambda r: r.when, reverse=True)  # newest first, as exports list them


def write_csv(reviews: list[Review], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Review ID", "Date", "Name", "Stars", "Title", "Comment"])
        for r in reviews:
            w.writerow([r.id, r.when.strftime("%Y-%m-%d %H:%M:%S"), r.name, r.stars, r.title, r.text])


def write_maildir(reviews: list[Review], root: Path) -> None:
    """One message per review: the name (RFC 2047 where not ASCII) and title in the headers,
    the text as an 8-bit UTF-8 body (written directly: the email package takes minutes)."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for n, r in enumerate(reviews):
        sender = formataddr((r.name, f"reviewer{n % 3000}@example.org"), charset="utf-8")
        message = (f"From: {sender}\nTo: owner@example.org\nSubject: {r.title or '(no title)'}\n"
                   f"Date: {format_datetime(r.when)}\nMessage-ID: <{r.id}@peer.example>\n"
                   "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                   f"Content-Transfer-Encoding: 8bit\n\n{r.text}\n\nRating: {r.stars}/5\n")
        (root / "cur" / f"{r.id}.peer:2,S").write_bytes(message.encode("utf-8"))


def timed(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its children, stdout) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def notmuch_round(work: Path, maildir: Path) -> tuple[float, float]:
    config = work / "notmuch-config"
    shutil.rmtree(maildir / ".notmuch", ignore_errors=True)
    config.write_text(f"[database]\npath={maildir}\n[new]\ntags=unread;\n[user]\nname=Owner\n"
                      "primary_email=owner@example.org\n[search]\nexclude_tags=\n", encoding="utf-8")
    env = {**os.environ, "NOTMUCH_CONFIG": str(config)}
    wall, cpu, _ = timed(["notmuch", "new", "--quiet"], env)
    return wall, cpu


def inbox_env(db: Path) -> dict[str, str]:
    """With the bytecode cached, as an installed app runs (benchmarks/cli_start.py)."""
    from benchmarks.cli_start import compiled_env

    return compiled_env({**os.environ, "PYTHONPATH": str(ROOT), "INBOX_DB": str(db)})


def inbox_round(work: Path, csv_path: Path) -> tuple[float, float, int]:
    db = work / "inbox.db"
    for f in work.glob("inbox.db*"):
        f.unlink()
    env = inbox_env(db)
    timed([sys.executable, "-m", "inbox", "sources", "add", "file", "--name", "export",
           "--set", f"path={csv_path}"], env)
    wall, cpu, out = timed([sys.executable, "-m", "inbox", "sync", "--json"], env)
    import json

    new = json.loads(out)[0]["new"]
    return wall, cpu, new


def median_of(fn, repeat: int = 5) -> float:
    return statistics.median(fn() for _ in range(repeat))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="write the CSV, maildir and databases here and keep them")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="inbox-peer-"))
    work.mkdir(parents=True, exist_ok=True)
    n = args.items
    t = time.perf_counter()
    reviews = generate(n, args.seed)
    csv_path, maildir = work / "reviews.csv", work / "mail"
    write_csv(reviews, csv_path)
    has_notmuch = shutil.which("notmuch") is not None
    if has_notmuch:
        shutil.rmtree(maildir, ignore_errors=True)
        write_maildir(reviews, maildir)
    print(f"{n:,} items (seed {args.seed}) written in {time.perf_counter() - t:.1f} s: CSV "
          f"{csv_path.stat().st_size / 2**20:.1f} MB" + (", maildir" if has_notmuch else ""))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if not has_notmuch:
        print("notmuch is not installed (apt-get install notmuch): only the inbox figures follow")

    nm: list[tuple[float, float]] = []
    ib: list[tuple[float, float]] = []
    for r in range(1, args.rounds + 1):
        if has_notmuch:
            wall, cpu = notmuch_round(work, maildir)
            nm.append((wall, cpu))
            print(f"round {r}: notmuch new       {wall:6.2f} s  {n / wall:8,.0f} items/s  "
                  f"CPU {cpu:6.2f} s = {cpu / n * 1e6:5.1f} µs/item")
        wall, cpu, new = inbox_round(work, csv_path)
        assert new == n, f"imported {new} of {n}"
        ib.append((wall, cpu))
        print(f"round {r}: inbox sync (file) {wall:6.2f} s  {n / wall:8,.0f} items/s  "
              f"CPU {cpu:6.2f} s = {cpu / n * 1e6:5.1f} µs/item")
    best_ib = min(w for w, _ in ib)
    if nm:
        best_nm = min(w for w, _ in nm)
        print(f"import ratio (notmuch time / inbox time, best of each): {best_nm / best_ib:.1f}x")

    db = work / "inbox.db"
    env = inbox_env(db)
    print("searches (whole process: median of 5 runs; in process: median of 20):")
    from inbox.store import Store

    with Store.open_reader(db) as reader:
        for q in QUERIES:
            whole = median_of(lambda q=q: timed([sys.executable, "-m", "inbox", "search", q, "--limit", "200"], env)[0])
            reader.search(q, limit=200)  # warm
            inproc = median_of(lambda q=q: _inproc(reader, q), 20)
            hits = len(reader.search(q, limit=200))
            line = f"  {q:<10} inbox search {whole * 1000:6.0f} ms, in process {inproc * 1000:5.1f} ms ({hits} rows)"
            if has_notmuch:
                nm_env = {**os.environ, "NOTMUCH_CONFIG": str(work / "notmuch-config")}
                nmw = median_of(lambda q=q, e=nm_env: timed(["notmuch", "search", "--limit=200", q], e)[0])
                line += f"; notmuch search {nmw * 1000:5.0f} ms -> ratio {nmw / whole:.2f}x (notmuch/inbox)"
            print(line)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _inproc(reader, q: str) -> float:
    t = time.perf_counter()
    reader.search(q, limit=200)
    return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())
