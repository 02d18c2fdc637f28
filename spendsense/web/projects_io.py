"""Export and import of a project's bills, and export of its settle-up plan, in
ihatemoney's JSON and CSV formats (Cospend's CSV imports too)."""

from flask import Response, abort, flash, redirect, render_template, url_for

from spendsense.services.bills import exports as bill_exports
from spendsense.services.errors import Invalid
from spendsense.web import bp
from spendsense.web.helpers import apply_errors
from spendsense.web.projects_auth import project_access, web_actor
from spendsense.web.projects_forms import ImportForm

MIMETYPES = {"json": "application/json", "csv": "text/csv"}
EXPORTS = {"bills": bill_exports.export_bills, "settlement": bill_exports.export_settlement}


@bp.route("/projects/<project_id>/export/<what>.<fmt>")
def project_export(project_id, what, fmt):
    project = project_access(project_id)
    if what not in EXPORTS or fmt not in MIMETYPES:
        abort(404)
    body = EXPORTS[what](project.id, fmt)
    return Response(body, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{project.id}-{what}.{fmt}"'})


@bp.route("/projects/<project_id>/import", methods=["GET", "POST"])
def project_import(project_id):
    project = project_access(project_id)
    form = ImportForm()
    if form.validate_on_submit():
        try:
            added = bill_exports.import_bills(project.id, form.file.data.read(bill_exports.MAX_IMPORT_BYTES + 1),
                                              actor=web_actor())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(f"Project successfully uploaded: {added} bill(s) added.", "success")
            return redirect(url_for("web.project_bills", project_id=project.id))
    return render_template("projects/import_export.html", project=project, form=form), \
        200 if not form.errors else 422
