"""Importing bank statements: upload, CSV column mapping, preview, import, revert.

An upload waits on disk (services/io/uploads.py) until it is confirmed. Every step
after the upload reads the file again from there, so no page keeps state in the
session. A large file is read and imported in a worker thread with its own app
context and database session; its pages then poll a JSON progress endpoint.
"""

import os
import threading
from dataclasses import fields, replace

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from spendsense.extensions import db
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.io import imports, profiles, uploads
from spendsense.services.io.parsers import (
    AmbiguousDateOrder,
    ColumnMapping,
    ParseError,
    detect_format,
)
from spendsense.services.io.parsers.csv_files import propose_mapping
from spendsense.services.ledger import accounts
from spendsense.web import bp
from spendsense.web.forms import (
    DATE_FORMATS,
    ConfirmForm,
    ImportConfirmForm,
    ImportDateOrderForm,
    ImportMappingForm,
    ImportUploadForm,
)
from spendsense.web.helpers import apply_errors, current_ledger, or_404, render_form
from spendsense.web.page_data import account_choices

ROLES = tuple(field.name for field in fields(ColumnMapping))
BUSY = ("working", "importing")


def _store():
    config = current_app.config
    folder = config.get("IMPORT_UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "imports")
    return uploads.PendingFiles(folder, max_age_seconds=config["IMPORT_PENDING_SECONDS"])


def _limits():
    return {"max_bytes": current_app.config["IMPORT_MAX_BYTES"], "max_rows": current_app.config["IMPORT_MAX_ROWS"]}


def _is_large(data):
    config = current_app.config
    return len(data) > config["IMPORT_BACKGROUND_BYTES"] or data.count(b"\n") > config["IMPORT_BACKGROUND_ROWS"]


def _pending(ledger_id, token):
    return or_404(_store().meta, ledger_id, token)


def _failed(ledger_id, token, message, *, page="upload", field="file"):
    _store().update(ledger_id, token, state="failed", error={"message": message, "field": field, "page": page})


# --- the work on a pending file; inline for small files, in a worker thread for large ones


def _read(ledger_id, token, meta):
    dialect = profiles.from_json(meta["dialect"]) if meta.get("mapped") else None
    return uploads.read_statement(_store().data(ledger_id, token), date_order=meta.get("date_order"),
                                  dialect=dialect, **_limits())


def _needs_hand_mapping(data, error):
    try:
        is_csv = detect_format(data) == "csv"
    except ParseError:
        return False
    return is_csv and ("by hand" in error.message or "give the date format" in error.message)


def _analyse(ledger_id, token):
    """Read the file and plan it: the next state is columns, dates, ready or failed."""
    store = _store()
    meta = store.update(ledger_id, token, stage="Reading the file", percent=10, error=None)
    try:
        statement = _read(ledger_id, token, meta)
    except AmbiguousDateOrder as exc:
        if exc.dialect is None:
            store.update(ledger_id, token, state="dates")
        else:
            store.update(ledger_id, token, state="columns", ambiguous=True, dialect=profiles.to_json(exc.dialect))
        return
    except ParseError as exc:
        data = store.data(ledger_id, token)
        if meta.get("mapped"):
            _failed(ledger_id, token, str(exc), page="columns")
        elif _needs_hand_mapping(data, exc) and (guess := uploads.guess_dialect(ledger_id, data)) is not None:
            dialect, profile = guess
            store.update(ledger_id, token, state="columns", dialect=profiles.to_json(dialect), profile=profile,
                         note=None if profile else str(exc))
        else:
            _failed(ledger_id, token, str(exc))
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
        _failed(ledger_id, token, exc.message, field=next(iter(exc.errors), "file"))
        return
    store.save_plan(ledger_id, token, summary)
    store.update(ledger_id, token, state="ready", stage="Ready", percent=100)


def _import(ledger_id, token, decisions, name):
    store = _store()
    meta = store.update(ledger_id, token, state="importing", stage="Reading the file", percent=10)
    try:
        statement = _read(ledger_id, token, meta)
        store.update(ledger_id, token, stage=f"Importing {len(statement.rows):,} rows", percent=40)
        batch = imports.import_statement(ledger_id, meta["account_id"], statement, name=name,
                                         file_name=meta.get("file_name"), decisions=decisions)
    except (ParseError, Invalid) as exc:
        _failed(ledger_id, token, getattr(exc, "message", str(exc)), page="preview")
        return
    store.update(ledger_id, token, state="done", stage="Done", percent=100, batch_id=batch.id)
    store.remove(ledger_id, token, (".bin", ".plan.json"))  # the .json stays for the progress page's last poll


def _run(job, ledger_id, token, *args, background):
    """Run a job now, or in a worker thread with an app context and session of its own."""
    if not background:
        job(ledger_id, token, *args)
        return
    _store().update(ledger_id, token, state="importing" if job is _import else "working", percent=5,
                    stage="Waiting to start")
    app = current_app._get_current_object()

    def work():
        with app.app_context():
            try:
                job(ledger_id, token, *args)
            except Exception:
                app.logger.exception("import job %s failed", token)
                db.session.rollback()
                _failed(ledger_id, token, "The import failed unexpectedly; nothing was imported.")
            finally:
                db.session.remove()

    threading.Thread(target=work, name=f"import-{token[:8]}", daemon=True).start()


def _next_url(token, meta):
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


def _go_on(ledger_id, token):
    return redirect(_next_url(token, _store().meta(ledger_id, token)))


def _discard(ledger_id, token, meta):
    """Forget a pending upload, and the account made for it if nothing went into it."""
    if meta.get("created_account") and meta.get("account_id") and meta.get("state") != "done":
        try:
            if accounts.count_transactions(meta["account_id"]) == 0:
                accounts.delete_account(ledger_id, meta["account_id"])
        except (NotFound, Invalid):
            pass
    _store().remove(ledger_id, token)


# --- pages


@bp.route("/imports")
@login_required
def imports_page():
    ledger_id = current_ledger()
    batches = imports.list_batches(ledger_id)
    return render_template("imports/list.html", batches=batches, difference=imports.difference)


@bp.route("/imports/new", methods=["GET", "POST"])
@login_required
def import_upload():
    ledger_id = current_ledger(write=True)
    form = ImportUploadForm()
    form.account_id.choices = [*account_choices(ledger_id), ("", "A new account, from the file's details")]
    if not form.is_submitted():
        form.account_id.data = form.account_id.choices[0][0]
        failed = request.args.get("failed")
        if failed:
            meta = _pending(ledger_id, failed)
            error = meta.get("error") or {}
            if meta.get("state") == "failed" and error:
                apply_errors(form, Invalid.field(error.get("field") or "file", error["message"]))
            _discard(ledger_id, failed, meta)
    if form.validate_on_submit():
        data = form.file.data.stream.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
        if len(data) > current_app.config["IMPORT_MAX_BYTES"]:
            form.file.errors.append(f"The file is larger than {current_app.config['IMPORT_MAX_BYTES']:,} bytes; "
                                    "split it or ask for a shorter period.")
            return render_form("imports/upload.html", form)
        store = _store()
        store.sweep()
        file_name = os.path.basename((form.file.data.filename or "").replace("\\", "/"))[:255] or None
        account_id = int(form.account_id.data) if form.account_id.data else None
        token = store.save(ledger_id, data, {"file_name": file_name, "account_id": account_id, "state": "new",
                                             "size": len(data)})
        large = _is_large(data)
        _run(_analyse, ledger_id, token, background=large)
        meta = store.meta(ledger_id, token)
        if meta.get("state") == "failed":
            apply_errors(form, Invalid.field(meta["error"]["field"] or "file", meta["error"]["message"]))
            _discard(ledger_id, token, meta)
        else:
            return redirect(_next_url(token, meta))
    return render_form("imports/upload.html", form)


@bp.route("/imports/pending/<token>")
@login_required
def import_progress(token):
    ledger_id = current_ledger()
    meta = _pending(ledger_id, token)
    if meta.get("state") not in BUSY:
        return _go_on(ledger_id, token)
    return render_template("imports/progress.html", token=token, meta=meta)


@bp.route("/imports/pending/<token>/status")
@login_required
def import_status(token):
    meta = _pending(current_ledger(), token)
    return jsonify(state=meta.get("state"), stage=meta.get("stage") or "", percent=meta.get("percent") or 0,
                   next=_next_url(token, meta))


def _date_format_choices(current):
    known = dict(DATE_FORMATS)
    pairs = list(DATE_FORMATS) if current in known else [(current, current), *DATE_FORMATS]
    return pairs


def _with_order(date_format, order):
    """The format with day and month in the chosen order."""
    day_first = date_format.find("%d") < date_format.find("%m")
    if (order == "mdy") == day_first:
        return date_format.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    return date_format


def _roles_of(mapping, width):
    roles = ["ignore"] * width
    for role in ROLES:
        index = getattr(mapping, role)
        if index is not None and index < width:
            roles[index] = role
    return roles


def _mapping_from(form):
    chosen, errors = {}, []
    for index, entry in enumerate(form.columns.entries):
        role = entry.data
        if role == "ignore":
            continue
        if role in chosen:
            errors.append(f"Two columns are marked “{dict(entry.choices)[role]}”; choose one.")
        chosen[role] = index
    if "date" not in chosen:
        errors.append("Mark the column that holds the date.")
    if not {"amount", "debit", "credit"} & chosen.keys():
        errors.append("Mark the amount column (or the debit and credit columns).")
    if "amount" in chosen and {"debit", "credit"} & chosen.keys():
        errors.append("Use either one signed amount column or debit/credit columns, not both.")
    return ColumnMapping(**{role: chosen.get(role) for role in ROLES}), errors


@bp.route("/imports/pending/<token>/columns", methods=["GET", "POST"])
@login_required
def import_columns(token):
    ledger_id = current_ledger(write=True)
    meta = _pending(ledger_id, token)
    if not meta.get("dialect"):
        return _go_on(ledger_id, token)
    dialect = profiles.from_json(meta["dialect"])
    store = _store()
    data = store.data(ledger_id, token)
    form = ImportMappingForm()
    form.date_format.choices = _date_format_choices(dialect.date_format)
    if not form.is_submitted():
        form.process(data={"encoding": dialect.encoding, "delimiter": "\\t" if dialect.delimiter == "\t"
                           else dialect.delimiter, "decimal": dialect.decimal, "date_format": dialect.date_format,
                           "header_line": dialect.header_line, "profile_name": meta.get("profile") or "",
                           "columns": _roles_of(dialect.mapping, len(dialect.header))})
        if meta.get("state") == "failed" and meta.get("error"):
            form.form_errors.append(meta["error"]["message"])
    elif form.validate_on_submit():
        delimiter = "\t" if form.delimiter.data == "\\t" else form.delimiter.data
        wanted = replace(dialect, encoding=form.encoding.data, delimiter=delimiter, decimal=form.decimal.data,
                         date_format=form.date_format.data, header_line=form.header_line.data)
        header = uploads.header_cells(data, wanted)
        if header is None:
            form.header_line.errors.append("The file has no such line.")
        elif (wanted.encoding, wanted.delimiter, wanted.header_line) != (dialect.encoding, dialect.delimiter,
                                                                         dialect.header_line):
            # Other columns: show them again, with the roles their names suggest.
            dialect = replace(wanted, header=tuple(header), mapping=propose_mapping(header))
            store.update(ledger_id, token, dialect=profiles.to_json(dialect))
            flash("The columns were read again with the new settings; check them and continue.", "info")
            return redirect(url_for("web.import_columns", token=token))
        else:
            mapping, errors = _mapping_from(form)
            if meta.get("ambiguous"):
                if form.date_order.data in ("dmy", "mdy"):
                    wanted = replace(wanted, date_format=_with_order(wanted.date_format, form.date_order.data))
                else:
                    form.date_order.errors = ["Say whether the dates are day first or month first."]
            form.form_errors.extend(errors)
            if form.remember.data and not (form.profile_name.data or "").strip():
                form.profile_name.errors.append("Give the profile a name.")
            if not form.errors:
                wanted = replace(wanted, mapping=mapping)
                try:
                    if not _is_large(data):  # a large file is read in the worker, its errors shown after
                        uploads.read_statement(data, dialect=wanted, **_limits())
                    if form.remember.data:
                        profiles.save_profile(ledger_id, form.profile_name.data, wanted)
                except ParseError as exc:
                    form.form_errors.append(str(exc))
                except Invalid as exc:
                    apply_errors(form, exc)
                else:
                    store.update(ledger_id, token, dialect=profiles.to_json(wanted), mapped=True, state="mapped")
                    _run(_analyse, ledger_id, token, background=_is_large(data))
                    return _go_on(ledger_id, token)
    samples = uploads.sample_rows(data, dialect)
    return render_form("imports/columns.html", form, meta=meta, token=token, dialect=dialect, samples=samples)


@bp.route("/imports/pending/<token>/dates", methods=["GET", "POST"])
@login_required
def import_dates(token):
    ledger_id = current_ledger(write=True)
    meta = _pending(ledger_id, token)
    form = ImportDateOrderForm()
    if form.validate_on_submit():
        _store().update(ledger_id, token, date_order=form.date_order.data, state="new")
        _run(_analyse, ledger_id, token, background=_is_large(_store().data(ledger_id, token)))
        return _go_on(ledger_id, token)
    return render_form("imports/dates.html", form, meta=meta, token=token)


@bp.route("/imports/pending/<token>/preview", methods=["GET", "POST"])
@login_required
def import_preview(token):
    ledger_id = current_ledger(write=True)
    meta = _pending(ledger_id, token)
    if meta.get("state") not in ("ready", "failed") or (meta.get("state") == "failed"
                                                         and (meta.get("error") or {}).get("page") != "preview"):
        return _go_on(ledger_id, token)
    store = _store()
    summary = or_404(store.plan, ledger_id, token)
    shown = uploads.shown_rows(summary, current_app.config["IMPORT_PREVIEW_ROWS"])
    account = or_404(accounts.get_account, ledger_id, summary["account_id"])
    form = ImportConfirmForm()
    if not form.is_submitted():
        form.name.data = meta.get("file_name") or ""
        if meta.get("state") == "failed":
            form.form_errors.append(meta["error"]["message"])
    elif form.validate_on_submit():
        if not store.claim(ledger_id, token):
            return _go_on(ledger_id, token)
        ticked = {int(value) for value in request.form.getlist("import") if value.isdigit()}
        decisions = uploads.decisions(shown, ticked)
        large = (meta.get("size") or 0) > current_app.config["IMPORT_BACKGROUND_BYTES"] or (
            len(summary["rows"]) > current_app.config["IMPORT_BACKGROUND_ROWS"])
        _run(_import, ledger_id, token, decisions, form.name.data, background=large)
        meta = store.meta(ledger_id, token)
        if meta.get("state") == "done":
            store.remove(ledger_id, token)
            batch = imports.get_batch(ledger_id, meta["batch_id"])
            flash(f"Imported {batch.new_count:,} row{'s' if batch.new_count != 1 else ''} into {account.name}.",
                  "success")
            return redirect(url_for("web.import_detail", batch_id=batch.id))
        if meta.get("state") == "failed":
            store.remove(ledger_id, token, (".claim",))  # the user may correct and try again
        return _go_on(ledger_id, token)
    return render_form("imports/preview.html", form, meta=meta, token=token, summary=summary, shown=shown,
                       account=account, hidden=len(summary["rows"]) - len(shown))


@bp.route("/imports/pending/<token>/cancel", methods=["POST"])
@login_required
def import_cancel(token):
    ledger_id = current_ledger(write=True)
    meta = _pending(ledger_id, token)
    if ConfirmForm().validate_on_submit():
        if meta.get("state") in BUSY:
            abort(409)
        _discard(ledger_id, token, meta)
        flash("The upload was discarded; nothing was imported.", "info")
    return redirect(url_for("web.imports_page"))


@bp.route("/imports/<int:batch_id>")
@login_required
def import_detail(batch_id):
    ledger_id = current_ledger()
    batch = or_404(imports.get_batch, ledger_id, batch_id)
    first, last = uploads.batch_dates(ledger_id, batch.id)
    rows_link = url_for("web.transactions_list", account=batch.account_id, period="custom", start=first, end=last,
                        sort="oldest") if first else url_for("web.transactions_list", account=batch.account_id)
    return render_template("imports/detail.html", batch=batch, difference=imports.difference(batch),
                           rows_link=rows_link)


@bp.route("/imports/<int:batch_id>/revert", methods=["GET", "POST"])
@login_required
def import_revert(batch_id):
    ledger_id = current_ledger(write=True)
    batch = or_404(imports.get_batch, ledger_id, batch_id)
    form = ConfirmForm()
    live = imports.live_rows(batch.id)
    if batch.reverted_at is None and form.validate_on_submit():
        try:
            imports.revert(ledger_id, batch.id)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(f"Import “{batch.name}” reverted: {live:,} transaction{'s' if live != 1 else ''} removed.",
                  "success")
            return redirect(url_for("web.imports_page"))
    return render_form("imports/revert.html", form, batch=batch, live=live)
