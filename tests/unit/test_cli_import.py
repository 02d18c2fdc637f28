"""flask import-file: a first load from the command line, and a dry run."""

from pathlib import Path

from spendsense.services.ledger import accounts
from tests.unit.helpers import balance, live_count

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "import-samples"


def test_import_file_and_dry_run(runner, user, ledger):
    account = accounts.create_account(ledger, "Checking", currency="USD").id
    path = str(SAMPLES / "ofxtools-stmtrs.ofx")
    dry = runner.invoke(args=["import-file", path, "--user", "alice", "--account", "Checking", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would import 2 new rows into Checking" in dry.output
    assert live_count(account) == 0
    result = runner.invoke(args=["import-file", path, "--user", "alice@example.com", "--account", str(account)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 new rows into Checking" in result.output
    assert "differs from the account's by 700.29 USD" in result.output
    assert balance(account) == -50000


def test_import_file_refuses_and_imports_nothing(runner, user, ledger, tmp_path):
    account = accounts.create_account(ledger, "Main").id
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Colour,Shape\nred,round\n")
    result = runner.invoke(args=["import-file", str(bad), "--user", "alice", "--account", "Main"])
    assert result.exit_code == 1
    assert "header" in result.output.lower()
    assert live_count(account) == 0
    nobody = runner.invoke(args=["import-file", str(bad), "--user", "zed", "--account", "Main"])
    assert nobody.exit_code == 1 and "No user" in nobody.output
    wrong = runner.invoke(args=["import-file", str(SAMPLES / "ofxtools-stmtrs.ofx"), "--user", "alice",
                                "--account", "Main"])
    assert wrong.exit_code == 1 and "USD" in wrong.output


def test_import_file_with_a_saved_profile(runner, user, ledger, tmp_path):
    from dataclasses import replace

    from spendsense.services.io import profiles
    from spendsense.services.io.parsers import ColumnMapping, parse

    account = accounts.create_account(ledger, "Main").id
    odd = tmp_path / "odd.csv"
    odd.write_bytes(b"Wann;Wer;Wieviel\n01.03.2024;Bakery;-3,20\n")
    known = parse(b"Date;Payee;Amount\n01.03.2024;Bakery;-3,20\n").csv_dialect
    profiles.save_profile(ledger, "My bank", replace(known, header=("Wann", "Wer", "Wieviel"),
                                                     mapping=ColumnMapping(date=0, payee=1, amount=2)))
    result = runner.invoke(args=["import-file", str(odd), "--user", "alice", "--account", "Main",
                                 "--profile", "My bank"])
    assert result.exit_code == 0, result.output
    assert balance(account) == -320
    missing = runner.invoke(args=["import-file", str(odd), "--user", "alice", "--account", "Main",
                                  "--profile", "Nope"])
    assert missing.exit_code == 1 and "No saved profile" in missing.output
