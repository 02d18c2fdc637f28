"""The work on a pending upload: reading, planning and importing it, inline for small
files and in a worker thread for large ones, and where each state leads next."""

import os
import threading
from dataclasses import replace

from flask import current_app, redirect, url_for

from spendsense.extensions import db
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.io import imports, profiles, uploads
from spendsense.services.io.parsers import (
    AmbiguousDateOrder,
    ParseError,
    detect_format,
)
from spendsense.services.ledger import accounts
from spendsense.web.helpers import or_404

BUSY = ("working", "importing")


def pending_files():
    config = current_app.config
    folder = config.get("IMPORT_UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "imports")
    return uploads.PendingFiles(folder, max_age_seconds=config["IMPORT_PENDING_SECONDS"])


def limits():
    return {"max_bytes": current_app.config["IMPORT_MAX_BYTES"], "max_rows": current_app.config["IMPORT_MAX_ROWS"]}


def is_large(data):
    config = current_app.config
    return len(data) > config["IMPORT_BACKGROUND_BYTES"] or data.count(b"\n") > config["IMPORT_BACKGROUND_ROWS"]


def pending(ledger_id, token):
    return or_404(pending_files().meta, ledger_id, token)


def failed(ledger_id, token, message, *, page="upload", field="file"):
    pending_files().update(ledger_id, token, state="failed", error={"message": message, "field": field, "page": page})


def read(ledger_id, token, meta):
    dialect = profiles.from_json(meta["dialect"]) if meta.get("mapped") else None
    return imports.parse_file(pending_files().data(ledger_id, token), date_order=meta.get("date_order"),
                              csv_dialect=dialect, **limits())


def needs_hand_mapping(data, error):
    try:
        is_csv = detect_format(data) == "csv"
    except ParseError:
        return False
    return is_csv and ("by hand" in error.message or "give the date format" in error.message)


def analyse(ledger_id, token):
    """Read the file and plan it: the next state is columns, dates, ready or failed."""
    store = pending_files()
    meta = store.update(ledger_id, token, stage="Reading the file", percent=10, error=None)
    try:
        statement = read(ledger_id, token, meta)
    except AmbiguousDateOrder as exc:
        if exc.dialect is None:
            store.update(ledger_id, token, state="dates")
        else:
            store.update(ledger_id, token, state="columns", ambiguous=True, dialect=profiles.to_json(exc.dialect))
        return
    except ParseError as exc:
        data = store.data(ledger_id, token)
        if meta.get("mapped"):
            failed(ledger_id, token, str(exc), page="columns")
        elif needs_hand_mapping(data, exc) and (guess := uploads.guess_dialect(ledger_id, data)) is not None:
            dialect, profile = guess
            store.update(ledger_id, token, state="columns", dialect=profiles.to_json(dialect), profile=profile,
                         note=None if profile else str(exc))
        else:
            failed(ledger_id, token, str(exc))
        return
    if statement.format == "csv" and not meta.get("mapped"):
        dialect, profile = statement.csv_dialect, profiles.find_for_header(ledger_id, statement.csv_dialect.header)
        if profile is not None:
            dialect = replace(profiles.dialect_of(profile), header_line=dialect.header_line, header=dialect.header)
        store.update(ledger_id, token, state="columns", dialect=profiles.to_json(dialect),
                     profile=profile.name if profile else None)
        return
    store.update(ledger_id, token, stage="Checking for duplicates", percent=50)
    try:
        account_id = meta.get("account_id")
        if account_id is None:
            account_id = uploads.create_account_from_file(ledger_id, statement, meta.get("file_name")).id
            store.update(ledger_id, token, account_id=account_id, created_account=True)
        summary = uploads.summarize(ledger_id, imports.plan(ledger_id, account_id, statement))
    except Invalid as exc:
        failed(ledger_id, token, exc.message, field=next(iter(exc.errors), "file"))
        return
    store.save_plan(ledger_id, token, summary)
    # What the reader had to guess or leave out ("read leniently", "a balance in SEK").
    store.update(ledger_id, token, state="ready", stage="Ready", percent=100, warnings=list(statement.warnings))


def run_import(ledger_id, token, decisions, name):
    store = pending_files()
    meta = store.update(ledger_id, token, state="importing", stage="Reading the file", percent=10)
    try:
        statement = read(ledger_id, token, meta)
        store.update(ledger_id, token, stage=f"Importing {len(statement.rows):,} rows", percent=40)
        batch = imports.import_statement(ledger_id, meta["account_id"], statement, name=name,
                                         file_name=meta.get("file_name"), decisions=decisions)
    except (ParseError, Invalid) as exc:
        failed(ledger_id, token, getattr(exc, "message", str(exc)), page="preview")
        return
    store.update(ledger_id, token, state="done", stage="Done", percent=100, batch_id=batch.id)
    store.remove(ledger_id, token, (".bin", ".plan.json"))  # the .json stays for the progress page's last poll


def run(job, ledger_id, token, *args, background):
    """Run a job now, or in a worker thread with an app context and session of its own."""
    if not background:
        job(ledger_id, token, *args)
        return
    pending_files().update(ledger_id, token, state="importing" if job is run_import else "working", percent=5,
                    stage="Waiting to start")
    app = current_app._get_current_object()

    def work():
        with app.app_context():
            try:
                job(ledger_id, token, *args)
            except Exception:
                app.logger.exception("import job %s failed", token)
                db.session.rollback()
                failed(ledger_id, token, "The import failed unexpectedly; nothing was imported.")
            finally:
                db.session.remove()

    threading.Thread(target=work, name=f"import-{token[:8]}", daemon=True).start()


def next_url(token, meta):
    state = meta.get("state")
    if state in BUSY:
        return url_for("web.import_progress", token=token)
    if state == "done":
        return url_for("web.import_detail", batch_id=meta["batch_id"])
    if state == "failed":
        page = (meta.get("error") or {}).get("page")
        if page in ("columns", "preview"):
            return url_for(f"web.import_{page}", token=token)
        return url_for("web.import_upload", failed=token)
    return url_for({"columns": "web.import_columns", "dates": "web.import_dates"}.get(state, "web.import_preview"),
                   token=token)


def go_on(ledger_id, token):
    return redirect(next_url(token, pending_files().meta(ledger_id, token)))


def discard(ledger_id, token, meta):
    """Forget a pending upload, and the account made for it if nothing went into it."""
    forget_created_account(ledger_id, meta)
    pending_files().remove(ledger_id, token)


def forget_created_account(ledger_id, meta):
    """Delete the account an unfinished upload made from the file, if it is still empty."""
    if meta.get("created_account") and meta.get("account_id") and meta.get("state") != "done":
        try:
            if accounts.count_transactions(meta["account_id"]) == 0:
                accounts.delete_account(ledger_id, meta["account_id"])
        except (NotFound, Invalid):
            pass


def sweep():
    """Remove uploads left for longer than a day, and the empty accounts made for them."""
    for ledger_id, meta in pending_files().sweep():
        forget_created_account(ledger_id, meta or {})
