"""Backing up a team inbox (services/team_backup.py): without pg_dump the owner is given
the exact command; a dump that fails leaves no file and says why, without the password."""

from __future__ import annotations

import pytest

from inbox.secrets import MemorySecrets
from inbox.services import team_backup
from inbox.services.team import save_password


def test_without_pg_dump_the_exact_command_is_said(monkeypatch, tmp_path):
    monkeypatch.setattr(team_backup, "find_pg_dump", lambda: None)
    url = "postgresql://ana:typed-secret@shop-server:5433/inbox?sslmode=verify-full"
    with pytest.raises(team_backup.TeamBackupError) as caught:
        team_backup.dump(url, None, tmp_path)
    said = str(caught.value)
    assert "apt-get install postgresql-client" in said
    assert "pg_dump --format=custom --file=inbox-$(date +%F).dump " \
           "'postgresql://ana@shop-server:5433/inbox?sslmode=verify-full'" in said
    assert "typed-secret" not in said and not list(tmp_path.rglob("*.dump"))


def test_a_failed_dump_leaves_no_file_and_says_why(pg_server, team_url, tmp_path):
    secrets = MemorySecrets()
    save_password(team_url, "not-the-password", secrets)
    with pytest.raises(team_backup.TeamBackupError) as caught:
        team_backup.dump(team_url, secrets, tmp_path)
    said = str(caught.value)
    assert "password authentication failed" in said and "not-the-password" not in said
    assert "pg_dump --format=custom" in said
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_password_with_colons_and_backslashes_reaches_pg_dump_escaped():
    assert team_backup._passfile_line("a:b\\c") == "*:*:*:*:a\\:b\\\\c\n"
