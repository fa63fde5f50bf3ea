"""`inbox export` and `inbox author ...` as a user runs them in a terminal."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from inbox.store import Store
from tests.export_data import fill, item_id

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INBOX_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    with Store(path) as store:
        fill(store)
        store.tag_items([item_id(store, n) for n in ("r1", "r2", "r3", "x1")], "Coffee")
        store.tag_items([item_id(store, "r3")], "Staff")
        store.set_status([item_id(store, "r3")], "done")
        store.save_draft(item_id(store, "r2"), "Hi Jane")
    return path


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_export_csv_with_filters(db, tmp_path):
    out = tmp_path / "coffee.csv"
    res = run("export", "--format", "csv", "--tag", "coffee", "--source", "café google",
              "--since", "2026-03-02", "--until", "2026-03-31", "--bom", "-o", str(out), db=db)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"Exported 3 items to {out}"
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = csv_rows(out)
    assert [(r["author"], r["tags"], r["status"]) for r in rows] == [
        ("Guest 3", "Coffee, Staff", "done"), ("Jane Doe", "Coffee", "unread"), ("Jane Doe", "Coffee", "unread")]


def test_export_xlsx_status_whose_and_query(db, tmp_path):
    out = tmp_path / "rival.xlsx"
    res = run("export", "--status", "inbox", "--whose", "competitor", "--query", "SUM", "-o", str(out), db=db)
    assert res.returncode == 0, res.stderr
    rows = list(openpyxl.load_workbook(out)["Feedback"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in rows} == {"Rival Google"} and len(rows) >= 1
    assert all("SUM" in " ".join(str(v) for v in r) for r in rows)
    res = run("export", "--status", "done", "-o", str(tmp_path / "done.csv"), db=db)
    assert [r["text"] for r in csv_rows(tmp_path / "done.csv")] == ["Review number 3 about coffee"]


@pytest.mark.parametrize(("args", "message"), [
    (["--tag", "nope"], "no tag named 'nope' (tags: Coffee, Staff)"),
    (["--source", "Nowhere"], "no source named 'Nowhere' (sources: "),
    (["--since", "31/03/2026"], "--since '31/03/2026' is not a date; use YYYY-MM-DD"),
    (["--until", "2026-02-30"], "--until '2026-02-30' is not a date"),
    (["--since", "2026-04-01", "--until", "2026-03-01"], "--since 2026-04-01 is after --until 2026-03-01"),
    (["--query", '"unclosed'], "a quote is not closed"),
    (["--format", "xlsx", "--bom"], "--bom applies to CSV files only"),
])
def test_bad_input_exits_2_with_one_clear_line(db, tmp_path, args, message):
    out = tmp_path / "x.csv"
    res = run("export", *args, "-o", str(out), db=db)
    assert res.returncode == 2
    assert message in res.stderr and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert not out.exists()


def test_bad_status_and_target_folder(db, tmp_path):
    res = run("export", "--status", "later", "-o", str(tmp_path / "x.csv"), db=db)
    assert res.returncode == 2 and "inbox, unread, snoozed, done, all" in res.stderr.replace("'", "")
    res = run("export", "-o", str(tmp_path / "no" / "such" / "x.csv"), db=db)
    assert res.returncode == 2 and f"The folder {tmp_path / 'no' / 'such'} does not exist" in res.stderr
    res = run("export", "-o", str(tmp_path / "x.txt"), db=db)
    assert res.returncode == 2 and "--format csv or --format xlsx" in res.stderr


def test_author_list_export_and_erase(db, tmp_path):
    res = run("author", "list", "--query", "jane", "--json", db=db)
    assert res.returncode == 0, res.stderr
    found = json.loads(res.stdout)
    assert [(a["name"], a["platform"], a["items"]) for a in found] == [
        ("Jane Doe", "google", 2), ("Jane Doe", "reddit", 1)]
    jane = found[0]["id"]
    assert f"{jane}  google" in run("author", "list", "--query", "Jane", db=db).stdout

    res = run("author", "export", str(jane), "-o", str(tmp_path / "jane.json"), db=db)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [f"Wrote {tmp_path / 'jane.json'}", f"Wrote {tmp_path / 'jane.html'} (readable page)",
                                       f"Wrote {tmp_path / 'jane.csv'}"]
    data = json.loads((tmp_path / "jane.json").read_text(encoding="utf-8"))
    assert [i["draft_reply"]["text"] if i["draft_reply"] else None for i in data["items"]] == [None, "Hi Jane"]

    res = run("author", "erase", str(jane), db=db)
    assert res.returncode == 2
    assert "not erasing without --yes" in res.stderr and "Jane Doe (google" in res.stderr
    assert len(json.loads(run("author", "list", "--query", "jane", "--json", db=db).stdout)) == 2

    res = run("author", "erase", str(jane), "--yes", db=db)
    assert res.returncode == 0, res.stderr
    assert "Erased Jane Doe (google" in res.stdout and "2 items" in res.stdout
    left = json.loads(run("author", "list", "--query", "jane", "--json", db=db).stdout)
    assert [a["platform"] for a in left] == ["reddit"]
    res = run("author", "erase", str(jane), "--yes", db=db)
    assert res.returncode == 2 and f"no author with id {jane}" in res.stderr


def test_the_business_own_account_cannot_be_erased(db):
    listed = run("author", "list", "--query", "Café", db=db).stdout.splitlines()
    assert listed and all(line.endswith("(your account)") for line in listed)
    owner_id = listed[0].split()[0]
    res = run("author", "erase", owner_id, "--yes", db=db)
    assert res.returncode == 2 and "is your own account" in res.stderr and "Traceback" not in res.stderr
