"""Export and import of a project's bills, and export of its settle-up plan, in
ihatemoney's JSON and CSV formats (Cospend's CSV imports too)."""

from flask import abort, flash, g, redirect, url_for

from spendsense import streaming
from spendsense.security_headers import no_store
from spendsense.services.bills import exports as bill_exports
from spendsense.services.errors import Invalid
from spendsense.web.helpers import apply_errors, render_form
from spendsense.web.projects import bp
from spendsense.web.projects.access import web_actor
from spendsense.web.projects.forms import ImportForm

MIMETYPES = {"json": "application/json", "csv": "text/csv"}
EXPORTS = {"bills": bill_exports.stream_bills, "settlement": bill_exports.stream_settlement}


@bp.route("/projects/<project_id>/export/<what>.<fmt>")
@no_store  # every bill of the project, opened with the cookie: no cache may keep it
def export(what, fmt):
    project = g.project
    if what not in EXPORTS or fmt not in MIMETYPES:
        abort(404)
    return streaming.streamed(EXPORTS[what](project.id, fmt), mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{project.id}-{what}.{fmt}"'})


@bp.route("/projects/<project_id>/import", methods=["GET", "POST"])
def import_bills():
    project = g.project
    form = ImportForm()
    if form.validate_on_submit():
        try:
            added = bill_exports.import_bills(project.id, form.file.data.read(bill_exports.MAX_IMPORT_BYTES + 1),
                                              actor=web_actor())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(f"Project successfully uploaded: {added} bill(s) added.", "success")
            return redirect(url_for("web.projects.bills"))
    return render_form("projects/import_export.html", form)
