"""The imports list, upload, progress, preview, result and revert pages."""

import os

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from spendsense.services.errors import Invalid
from spendsense.services.io import imports, uploads
from spendsense.services.ledger import accounts
from spendsense.web import bp
from spendsense.web.forms import (
    ConfirmForm,
    ImportConfirmForm,
    ImportUploadForm,
)
from spendsense.web.helpers import apply_errors, current_ledger, or_404, render_form
from spendsense.web.imports import jobs
from spendsense.web.page_data import account_choices


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
            meta = jobs.pending(ledger_id, failed)
            error = meta.get("error") or {}
            if meta.get("state") == "failed" and error:
                apply_errors(form, Invalid.field(error.get("field") or "file", error["message"]))
            jobs.discard(ledger_id, failed, meta)
    if form.validate_on_submit():
        data = form.file.data.stream.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
        if len(data) > current_app.config["IMPORT_MAX_BYTES"]:
            form.file.errors.append(f"The file is larger than {current_app.config['IMPORT_MAX_BYTES']:,} bytes; "
                                    "split it or ask for a shorter period.")
            return render_form("imports/upload.html", form)
        jobs.sweep()
        store = jobs.pending_files()
        file_name = os.path.basename((form.file.data.filename or "").replace("\\", "/"))[:255] or None
        account_id = int(form.account_id.data) if form.account_id.data else None
        token = store.save(ledger_id, data, {"file_name": file_name, "account_id": account_id, "state": "new",
                                             "size": len(data)})
        large = jobs.is_large(data)
        jobs.run(jobs.analyse, ledger_id, token, background=large)
        meta = store.meta(ledger_id, token)
        if meta.get("state") == "failed":
            apply_errors(form, Invalid.field(meta["error"]["field"] or "file", meta["error"]["message"]))
            jobs.discard(ledger_id, token, meta)
        else:
            return redirect(jobs.next_url(token, meta))
    return render_form("imports/upload.html", form)


@bp.route("/imports/pending/<token>")
@login_required
def import_progress(token):
    ledger_id = current_ledger()
    meta = jobs.pending(ledger_id, token)
    if meta.get("state") not in jobs.BUSY:
        return jobs.go_on(ledger_id, token)
    return render_template("imports/progress.html", token=token, meta=meta)


@bp.route("/imports/pending/<token>/status")
@login_required
def import_status(token):
    meta = jobs.pending(current_ledger(), token)
    return jsonify(state=meta.get("state"), stage=meta.get("stage") or "", percent=meta.get("percent") or 0,
                   next=jobs.next_url(token, meta))


@bp.route("/imports/pending/<token>/preview", methods=["GET", "POST"])
@login_required
def import_preview(token):
    ledger_id = current_ledger(write=True)
    meta = jobs.pending(ledger_id, token)
    if meta.get("state") not in ("ready", "failed") or (meta.get("state") == "failed"
                                                         and (meta.get("error") or {}).get("page") != "preview"):
        return jobs.go_on(ledger_id, token)
    store = jobs.pending_files()
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
            return jobs.go_on(ledger_id, token)
        # Row numbers the form posted; anything else ("²" passes str.isdigit) is no row.
        ticked = {int(value) for value in request.form.getlist("import")
                  if value.isascii() and value.isdigit() and len(value) < 10}
        decisions = uploads.decisions(shown, ticked)
        large = (meta.get("size") or 0) > current_app.config["IMPORT_BACKGROUND_BYTES"] or (
            len(summary["rows"]) > current_app.config["IMPORT_BACKGROUND_ROWS"])
        jobs.run(jobs.run_import, ledger_id, token, decisions, form.name.data, background=large)
        meta = store.meta(ledger_id, token)
        if meta.get("state") == "done":
            store.remove(ledger_id, token)
            batch = imports.get_batch(ledger_id, meta["batch_id"])
            flash(f"Imported {batch.new_count:,} row{'s' if batch.new_count != 1 else ''} into {account.name}.",
                  "success")
            return redirect(url_for("web.import_detail", batch_id=batch.id))
        if meta.get("state") == "failed":
            store.remove(ledger_id, token, (".claim",))  # the user may correct and try again
        return jobs.go_on(ledger_id, token)
    return render_form("imports/preview.html", form, meta=meta, token=token, summary=summary, shown=shown,
                       account=account, hidden=len(summary["rows"]) - len(shown))


@bp.route("/imports/pending/<token>/cancel", methods=["POST"])
@login_required
def import_cancel(token):
    ledger_id = current_ledger(write=True)
    meta = jobs.pending(ledger_id, token)
    if ConfirmForm().validate_on_submit():
        if meta.get("state") in jobs.BUSY:
            abort(409)
        jobs.discard(ledger_id, token, meta)
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
    return render_form("imports/revert.html", form, batch=batch, live=live, changed=imports.changed_rows(batch))
