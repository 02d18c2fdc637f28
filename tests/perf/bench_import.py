"""Benchmark of statement imports, in process: a 100,000-row CSV and a 100,000-row OFX
into an account that already holds HISTORY rows, 10% of the file overlapping them.

Prints JSON lines with rows/s for parsing, planning (de-duplication) and writing, end
to end, and the peak memory (RSS) of the process:

    .venv/bin/python tests/perf/bench_import.py [--rows 100000] [--history 1000000]
"""

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask_migrate import upgrade  # noqa: E402

from spendsense import create_app  # noqa: E402
from spendsense.extensions import db  # noqa: E402
from spendsense.services.auth import users  # noqa: E402
from spendsense.services.io import imports  # noqa: E402
from spendsense.services.ledger import accounts, seed, transactions  # noqa: E402
from spendsense.services.ledger.commands import NewTransaction  # noqa: E402
from spendsense.services.scope import ledger_for  # noqa: E402

HISTORY_START = date(2010, 1, 1)
PER_DAY = 40


def emit(**record):
    print(json.dumps(record), flush=True)


def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def history_day(n):
    return HISTORY_START + timedelta(days=n // PER_DAY)


def amount(n):
    return Decimal(-(n * 7919 % 50_000) - 1) / 100


def seed_history(ledger_id, account_id, count):
    for start in range(0, count, 20_000):
        transactions.record_many(ledger_id, [
            NewTransaction(amount=amount(n), account_id=account_id, payee=f"Shop {n % 300}", source="import",
                           occurred_at=datetime.combine(history_day(n), datetime.min.time()) + timedelta(hours=12),
                           external_id=f"H{n}")
            for n in range(start, min(start + 20_000, count))])
        db.session.remove()


def file_rows(history, rows):
    """The file's rows: the first 10% repeat the last history rows (same bank ids), the
    rest are new days after it."""
    overlap = rows // 10
    for n in range(history - overlap, history):
        yield history_day(n), amount(n), f"Shop {n % 300}", f"H{n}"
    for k in range(rows - overlap):
        n = history + k
        yield history_day(n), amount(n), f"Shop {n % 300}", f"N{n}"


def csv_file(history, rows):
    lines = ["Date,Payee,Amount,Reference"]
    lines += [f"{day.isoformat()},{payee},{value},{ref}" for day, value, payee, ref in file_rows(history, rows)]
    return ("\n".join(lines) + "\n").encode()


def ofx_file(history, rows):
    body = "".join(
        f"<STMTTRN><TRNTYPE>{'DEBIT' if value < 0 else 'CREDIT'}<DTPOSTED>{day:%Y%m%d}120000"
        f"<TRNAMT>{value}<FITID>{ref}<NAME>{payee}</STMTTRN>\n"
        for day, value, payee, ref in file_rows(history, rows))
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
            "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0"
            "<SEVERITY>INFO</STATUS><DTSERVER>20240101<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1>"
            "<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>EUR<BANKACCTFROM>"
            "<BANKID>1<ACCTID>1<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20100101<DTEND>20300101\n"
            + body + "</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20240101</LEDGERBAL></STMTRS></STMTTRNRS>"
            "</BANKMSGSRSV1></OFX>\n").encode()


def run(ledger_id, account_id, name, data, rows):
    started = time.perf_counter()
    statement = imports.read_file(data, name, max_bytes=len(data) + 1, max_rows=rows + 1)
    parsed = time.perf_counter()
    import_plan = imports.plan(ledger_id, account_id, statement)
    planned = time.perf_counter()
    batch = imports.import_statement(ledger_id, account_id, statement, file_name=name)
    done = time.perf_counter()
    write = done - planned  # import_statement plans again inside its write transaction
    emit(bench="import", format=name.rsplit(".", 1)[-1], rows=rows, new=batch.new_count,
         duplicate=batch.duplicate_count, parse_rows_per_s=round(rows / (parsed - started)),
         dedup_rows_per_s=round(rows / (planned - parsed)), write_rows_per_s=round(rows / write),
         end_to_end_rows_per_s=round(rows / (parsed - started + write)), counts=import_plan.counts,
         peak_rss_mb=peak_mb())
    db.session.remove()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    workdir = tempfile.TemporaryDirectory()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir.name}/bench.sqlite3",
                      "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    random.seed(3)
    with app.app_context():
        upgrade()
        seed.seed_system_categories()
        user = users.register("bench", "bench@example.com", "bench password 1", base_currency="EUR")
        ledger_id = ledger_for(user, write=True)
        started = time.perf_counter()
        csv_account = accounts.create_account(ledger_id, "CSV account").id
        ofx_account = accounts.create_account(ledger_id, "OFX account").id
        seed_history(ledger_id, csv_account, args.history)
        seed_history(ledger_id, ofx_account, args.history // 10)
        emit(bench="seed", history=args.history, seconds=round(time.perf_counter() - started, 1),
             peak_rss_mb=peak_mb())
        run(ledger_id, csv_account, "statement.csv", csv_file(args.history, args.rows), args.rows)
        run(ledger_id, ofx_account, "statement.ofx", ofx_file(args.history // 10, args.rows), args.rows)
    workdir.cleanup()


if __name__ == "__main__":
    main()
