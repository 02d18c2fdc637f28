"""Files on a transaction's page (attach, view, remove), the paperclip counts of the
transactions list, and ``/files/<token>``: the signed links that serve a stored file
to every front door (the v2 API's ``original_url`` is one).

A link needs no session or key: it is signed, names its user and expires
(services/files/links.py), so the browser, scripts and MCP servers fetch the same
URL. Files go out with a Content-Type from their sniffed type, never the name's,
``nosniff`` and a sandboxing Content-Security-Policy; only images are shown inline.
"""

import os

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from spendsense.services.errors import Invalid
from spendsense.services.files import links, sniffing
from spendsense.services.ledger import attachments, transactions
from spendsense.web import bp
from spendsense.web.helpers import apply_errors, current_ledger, or_404, render_form, safe_next

# The <input type=file> hint; the server decides by the bytes (services/files/sniffing.py).
ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.heic,.doc,.docx,.xls,.xlsx,.txt,.csv," + ",".join(
    sorted(sniffing.ALLOWED))
ICONS = {"application/pdf": "📄", "text/csv": "📊", "application/vnd.ms-excel": "📊",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "📊"}


class AttachmentForm(FlaskForm):
    file = FileField("File to attach", validators=[FileRequired("Choose a file to attach.")],
                     render_kw={"accept": ACCEPT})
    title = StringField("Title", validators=[Optional(), Length(max=255)],
                        description="Optional; the file name without its extension when left blank.")
    error_aliases = {"file_data": "file", "file_name": "file"}


def file_url(row, user_id, variant="original"):
    """The absolute signed link to one of the attachment's files for this user."""
    token = links.token(links.Link(attachment_id=row.id, user_id=user_id, variant=variant,
                                   digest=row.variant_digest(variant)))
    return url_for("web.attachment_file", token=token, _external=True)


def attachment_counts(ledger_id, rows):
    """{transaction id: attachments} for a page of the list (one statement)."""
    return attachments.counts(ledger_id, [txn.id for txn in rows])


def transaction_files(ledger_id, txn):
    """What the transaction's page shows of its files: the files and the upload form."""
    return {"files": attachments.on_transaction(ledger_id, txn.id), "form": AttachmentForm(formdata=None),
            "hint": _hint()}


def _hint():
    return f"{sniffing.ALLOWED_NAMES}; at most {attachments.size_text(attachments.max_bytes())}."


@bp.app_template_global("attachment_url")
def _attachment_url(row, variant="original"):
    return file_url(row, current_user.id, variant)


@bp.app_template_filter("file_size")
def _file_size(size):
    return attachments.size_text(size)


@bp.app_template_global("attachment_icon")
def _attachment_icon(row):
    return ICONS.get(row.content_type, "🖼️" if row.content_type.startswith("image/") else "📝")


def _back_to(txn_id):
    return redirect(safe_next(url_for("web.edit_transaction", txn_id=txn_id, next=request.args.get("next"))
                              + "#attachments", "web.transactions_list"))


@bp.route("/transactions/<int:txn_id>/attachments", methods=["GET", "POST"])
@login_required
def upload_attachment(txn_id):
    ledger_id = current_ledger(write=True)
    txn = or_404(transactions.get_transaction, ledger_id, txn_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        # One byte past the limit is enough to refuse the file without reading it all.
        data = upload.read(attachments.max_bytes() + 1)
        try:
            attachments.create(ledger_id, attachments.Upload(data=data, file_name=upload.filename,
                                                             title=form.title.data), transaction_id=txn.id)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("File attached.", "success")
            return _back_to(txn.id)
    return render_form("attachments/upload.html", form, txn=txn, hint=_hint())


@bp.post("/transactions/<int:txn_id>/attachments/<int:attachment_id>/remove")
@login_required
def remove_attachment(txn_id, attachment_id):
    """Take the file off the transaction; a file left on no transaction is deleted."""
    ledger_id = current_ledger(write=True)
    or_404(attachments.unassign, ledger_id, txn_id, attachment_id, delete_unused=True)
    flash("File removed.", "success")
    return _back_to(txn_id)


@bp.get("/files/<token>")
def attachment_file(token):
    try:
        link = links.read(token)
    except links.BadLink as exc:
        return render_template("attachments/link_error.html", message=exc.message), 403
    download = or_404(attachments.download, link)
    if not os.path.isfile(download.path):
        current_app.logger.error("attachment %s: stored file %s is missing", link.attachment_id, download.path)
        abort(404)
    response = send_file(download.path, mimetype=download.content_type, as_attachment=not download.inline,
                         download_name=download.download_name, conditional=True, etag=link.digest)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'"
    # The link expires, and its content never changes: cache it in this browser only.
    response.headers["Cache-Control"] = f"private, max-age={current_app.config['ATTACHMENT_URL_MAX_AGE']}"
    return response
