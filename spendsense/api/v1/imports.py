"""v1 imports: POST a statement file into an account, read the batch back, revert it.

    curl -H "Authorization: Token KEY" -F file=@statement.ofx -F account=Main .../api/v1/imports/

Without a screen to confirm on, a CSV's columns are recognised from its header names and
its dialect detected; a file that cannot be read is refused with the parser's message
(naming the line, element or header row) and nothing is imported.
"""

from flask import current_app, g, jsonify, request

from spendsense.api.v1 import bp, serializers
from spendsense.services import validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.io import imports, profiles
from spendsense.services.scope import ledger_for

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000


def _batch(ledger_id, batch_id):
    batch = imports.get_batch(ledger_id, batch_id)
    return jsonify(serializers.import_batch(batch, imports.difference(batch)))


def _date_order(value):
    """dmy (day first) or mdy (month first), for files whose dates read both ways."""
    if not (value or "").strip():
        return None
    return validation.choice(value.strip().lower(), "date_order", ("dmy", "mdy"), label="date_order")


def _profile(ledger_id, name):
    """The CSV dialect of a mapping saved on the web's column screen, by name or id."""
    if not (name or "").strip():
        return None
    profile = profiles.find_by_name(ledger_id, name)
    if profile is None and validation.row_id_or_none(name) is not None:
        profile = profiles.get_profile(ledger_id, validation.row_id_or_none(name))
    if profile is None:
        raise NotFound("Profile not found")
    return profiles.dialect_of(profile)


@bp.route("/imports/", methods=["POST"])
def create_import():
    upload = request.files.get("file")
    if upload is None:
        raise Invalid.field("file", "file parameter is required")
    account_ref = request.form.get("account")
    if not (account_ref or "").strip():
        raise Invalid.field("account", "account parameter is required")
    ledger_id = ledger_for(g.user, write=True)
    account = imports.account_by_reference(ledger_id, account_ref)
    config = current_app.config
    max_bytes = config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    statement = imports.read_file(upload.stream.read(max_bytes + 1), upload.filename, max_bytes=max_bytes,
                                  max_rows=config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS),
                                  date_order=_date_order(request.form.get("date_order")),
                                  csv_dialect=_profile(ledger_id, request.form.get("profile")))
    batch = imports.import_statement(ledger_id, account.id, statement, name=request.form.get("name"),
                                     file_name=upload.filename)
    return _batch(ledger_id, batch.id)


@bp.route("/imports/<int:batch_id>/", methods=["GET"])
def get_import(batch_id):
    return _batch(ledger_for(g.user), batch_id)


@bp.route("/imports/<int:batch_id>/", methods=["DELETE"])
def revert_import(batch_id):
    ledger_id = ledger_for(g.user, write=True)
    imports.revert(ledger_id, batch_id)
    return _batch(ledger_id, batch_id)
