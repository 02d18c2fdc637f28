"""The CSV column-mapping and date-order pages of a pending upload."""

from dataclasses import fields, replace

from flask import flash, redirect, url_for
from flask_login import login_required

from spendsense.services.errors import Invalid
from spendsense.services.io import imports, profiles, uploads
from spendsense.services.io.parsers import (
    ColumnMapping,
    ParseError,
)
from spendsense.services.io.parsers.csv_files import propose_mapping
from spendsense.web import bp
from spendsense.web.forms import (
    DATE_FORMATS,
    ImportDateOrderForm,
    ImportMappingForm,
)
from spendsense.web.helpers import apply_errors, current_ledger, render_form
from spendsense.web.imports import jobs

ROLES = tuple(field.name for field in fields(ColumnMapping))


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
    meta = jobs.pending(ledger_id, token)
    if not meta.get("dialect"):
        return jobs.go_on(ledger_id, token)
    dialect = profiles.from_json(meta["dialect"])
    store = jobs.pending_files()
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
                    if not jobs.is_large(data):  # a large file is read in the worker, its errors shown after
                        imports.parse_file(data, csv_dialect=wanted, **jobs.limits())
                    if form.remember.data:
                        profiles.save_profile(ledger_id, form.profile_name.data, wanted)
                except ParseError as exc:
                    form.form_errors.append(str(exc))
                except Invalid as exc:
                    apply_errors(form, exc)
                else:
                    store.update(ledger_id, token, dialect=profiles.to_json(wanted), mapped=True, state="mapped")
                    jobs.run(jobs.analyse, ledger_id, token, background=jobs.is_large(data))
                    return jobs.go_on(ledger_id, token)
    samples = uploads.sample_rows(data, dialect)
    return render_form("imports/columns.html", form, meta=meta, token=token, dialect=dialect, samples=samples)


@bp.route("/imports/pending/<token>/dates", methods=["GET", "POST"])
@login_required
def import_dates(token):
    ledger_id = current_ledger(write=True)
    meta = jobs.pending(ledger_id, token)
    form = ImportDateOrderForm()
    if form.validate_on_submit():
        jobs.pending_files().update(ledger_id, token, date_order=form.date_order.data, state="new")
        jobs.run(jobs.analyse, ledger_id, token, background=jobs.is_large(jobs.pending_files().data(ledger_id, token)))
        return jobs.go_on(ledger_id, token)
    return render_form("imports/dates.html", form, meta=meta, token=token)
