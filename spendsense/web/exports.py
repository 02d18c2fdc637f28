"""The export page: the transactions page's filter, downloaded as CSV, JSON or QIF.

The filter is read by web/transactions.py's ``_filters`` (one reading of the query
string for both pages); the file is streamed, so its size does not bound memory.
Transfers are exported once per account (both legs), so each account's rows add up.
"""

import dataclasses

from flask import render_template, request
from flask_login import login_required

from spendsense import streaming
from spendsense.services import periods
from spendsense.services.io import exports
from spendsense.services.ledger import queries
from spendsense.web import bp
from spendsense.web.helpers import current_ledger
from spendsense.web.page_data import account_choices, category_choices
from spendsense.web.transactions import FILTER_ARGS, _filters


@bp.route("/export")
@login_required
def export_page():
    ledger_id = current_ledger()
    period, flt, notes = _filters(ledger_id)
    flt = dataclasses.replace(flt, one_leg_per_transfer=False)
    fmt = request.args.get("format")
    if fmt in exports.FORMATS and not notes:
        where = queries.filtered(ledger_id, flt).whereclause
        chunks = exports.stream(fmt, exports.rows_for(fmt, ledger_id, where))
        name = f"spendsense-{period.key}.{fmt}"
        return streaming.streamed(chunks, content_type=exports.MEDIA_TYPES[fmt],
                                  headers={"Content-Disposition": f'attachment; filename="{name}"'})
    args = {key: value for key, value in request.args.items() if key in FILTER_ARGS and value}
    return render_template(
        "export.html", period=period, flt=flt, notes=notes, args=args, formats=exports.FORMATS,
        count=queries.count(ledger_id, flt), period_labels=periods.LABELS,
        accounts=account_choices(ledger_id, include_archived=True), categories=category_choices(ledger_id),
    ), 200 if fmt in (None, *exports.FORMATS) else 400
