"""Exporting and importing a project's bills, and exporting its settle-up plan, in
ihatemoney's JSON and CSV formats; importing also reads Nextcloud Cospend's CSV.

CSV cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR)
get a leading apostrophe on export, which import takes off again. Numbers stay numbers.
Import adds the members it does not know (payers with their weight, owers with 1),
skips bills the project already has, and runs in one write transaction: all or nothing.
"""

import csv
import io
import json
from decimal import Decimal
from functools import cache

import simplejson
from simplejson.encoder import encode_basestring as _text

from spendsense import jsonio, money
from spendsense.models import NO_CURRENCY
from spendsense.models.shared import WEIGHT_SCALE
from spendsense.services.bills import bills as project_bills
from spendsense.services.bills import listing, lookup, stats
from spendsense.services.bills import members as project_members
from spendsense.services.errors import Invalid
from spendsense.services.uow import write_transaction

BILL_FIELDS = ("date", "what", "bill_type", "amount", "currency", "payer_name", "payer_weight", "owers")
SETTLEMENT_FIELDS = ("ower", "receiver", "amount", "currency")
REQUIRED_ATTRIBUTES = ("amount", "date", "owers", "payer_name", "payer_weight", "what")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_BILLS = 20_000
FORMATS = ("json", "csv")


def _weight(member):
    return (Decimal(member.weight_milli) / WEIGHT_SCALE).normalize()


def bill_rows(project):
    """ihatemoney's "pretty bills": one dict per bill, newest first; owers as a list.
    Amounts are exact Decimals: simplejson writes them as JSON numbers, csv as their digits.
    Read through the session (import compares them inside its write transaction)."""
    members, batches = listing.in_session(project.id)
    return [{"date": listing.day_text(day), "what": what, "bill_type": kind,
             "amount": money.from_minor(amount, currency), "currency": currency,
             "payer_name": members[payer_id].name, "payer_weight": _weight(members[payer_id]),
             "owers": [members[member_id].name for member_id in listing.ower_ids(owers)]}
            for rows in batches
            for _id, payer_id, owers, amount, currency, _converted, day, _created, what, kind, _link in rows]


@cache
def _amount_format(currency):
    places = money.places(currency)
    return 10 ** places, f"{{}}{{}}.{{:0{places}d}}".format if places else None


def amount_text(minor, currency):
    """str(money.from_minor(minor, currency)), without building a Decimal per bill."""
    scale, spell = _amount_format(currency)
    if spell is None:
        return str(minor)
    whole, part = divmod(-minor if minor < 0 else minor, scale)
    return spell("-" if minor < 0 else "", whole, part)


def _json_bills(members, batches):
    """The bytes of simplejson.dumps(bill_rows, ensure_ascii=False, indent=2,
    use_decimal=True), bill by bill, each text written by simplejson's own encoder."""
    names = {str(member_id): _text(row.name) for member_id, row in members.items()}
    payers = {member_id: _text(row.name) for member_id, row in members.items()}
    weights = {member_id: str(_weight(row)) for member_id, row in members.items()}
    before = "[\n  "
    for rows in batches:
        parts = []
        for _id, payer_id, owers, amount, currency, _converted, day, _created, what, kind, _link in rows:
            owed = ",\n      ".join([names[member_id] for member_id in owers.split(",")]) if owers else ""
            parts.append(f'{before}{{\n    "date": "{listing.day_text(day)}",\n    "what": {_text(what)},\n'
                         f'    "bill_type": {_text(kind)},\n    "amount": {amount_text(amount, currency)},\n'
                         f'    "currency": {_text(currency)},\n    "payer_name": {payers[payer_id]},\n'
                         f'    "payer_weight": {weights[payer_id]},\n'
                         + (f'    "owers": [\n      {owed}\n    ]\n  }}' if owed else '    "owers": []\n  }'))
            before = ",\n  "
        yield "".join(parts)
    yield "[]" if before == "[\n  " else "\n]"


def _csv_bills(members, batches):
    """ihatemoney's CSV (``render``'s), a batch per chunk, the header with the first."""
    names = {str(member_id): row.name for member_id, row in members.items()}
    payers = {member_id: escape_cell(row.name) for member_id, row in members.items()}
    weights = {member_id: str(_weight(row)) for member_id, row in members.items()}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BILL_FIELDS)
    # A bill type and a currency code are validated words: only names and "what" can
    # look like a formula. Inlined: this runs once per cell of a 100,000-bill export.
    for rows in batches:
        table = []
        for _id, payer_id, owers, amount, currency, _converted, day, _created, what, kind, _link in rows:
            owed = ", ".join([names[member_id] for member_id in owers.split(",")]) if owers else ""
            table.append((day if day.__class__ is str else day.isoformat(),
                          "'" + what if what.startswith(FORMULA_STARTS) else what, kind,
                          amount_text(amount, currency), currency, payers[payer_id], weights[payer_id],
                          "'" + owed if owed.startswith(FORMULA_STARTS) else owed))
        writer.writerows(table)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue()


def settlement_rows(project):
    currency = project.default_currency
    return [{"ower": t.ower.name, "receiver": t.receiver.name, "amount": money.from_minor(t.amount, currency),
             "currency": currency} for t in stats.settle_plan(project.id)]


def escape_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(value):
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def render(rows, fields, fmt):
    """The rows as ihatemoney's JSON (a list of objects) or CSV (a header line first)."""
    if fmt == "json":
        return simplejson.dumps(rows, ensure_ascii=False, indent=2, use_decimal=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        cells = [", ".join(row[field]) if isinstance(row[field], list) else row[field] for field in fields]
        writer.writerow([escape_cell(cell) for cell in cells])
    return out.getvalue()


def stream_bills(project_id, fmt):
    """The bills' export in ``fmt``, in chunks, read while it is written."""
    project = lookup.get_project(project_id)
    return listing.stream(project.id, _json_bills if fmt == "json" else _csv_bills)


def export_bills(project_id, fmt):
    return "".join(stream_bills(project_id, fmt))


def export_settlement(project_id, fmt):
    project = lookup.get_project(project_id)
    return render(settlement_rows(project), SETTLEMENT_FIELDS, fmt)


def stream_settlement(project_id, fmt):
    """The settle-up plan's export as one chunk: a plan has at most a line per member."""
    yield export_settlement(project_id, fmt)


def _fail(message):
    raise Invalid.field("file", message)


def parse_file(data):
    """(bills, declared members) of a JSON or CSV file: the bills as dicts of
    ihatemoney's export fields, the members {name: weight} Cospend declares."""
    if len(data) > MAX_IMPORT_BYTES:
        _fail(f"The file is too large (at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail("The file must be UTF-8 text.")
    if text.lstrip().startswith(("[", "{")):
        try:
            jsonio.check_depth(text)
            bills = json.loads(text, parse_float=Decimal)
        except jsonio.TooDeep as exc:
            _fail(str(exc))
        except ValueError:
            _fail("Unable to parse JSON")
        if not isinstance(bills, list) or not all(isinstance(bill, dict) for bill in bills):
            _fail("The JSON file must hold a list of bills.")
        return bills, {}
    return _parse_csv(text)


def _parse_csv(text):
    """ihatemoney's CSV, or Cospend's: its "deleteMeIfYouWant" rows only declare members
    and its categories/currencies tables come after the bills, from "categoryname" on."""
    try:
        reader = csv.DictReader(io.StringIO(text))
        bills, declared = [], {}
        for row in reader:
            row = {key: unescape_cell(value) for key, value in row.items() if key is not None}
            what = row.get("what")
            if what == "deleteMeIfYouWant":
                declared.setdefault(str(row.get("payer_name") or "").strip(), row.get("payer_weight"))
                continue
            if what in ("categoryname", "paymentmodename", "currencyname"):
                break
            if str(row.get("deleted", "0")).strip() == "1":
                continue
            row["owers"] = [name.strip() for name in (row.get("owers") or "").split(",") if name.strip()]
            bills.append(row)
    except csv.Error:
        _fail("Unable to parse CSV")
    return bills, {name: weight for name, weight in declared.items() if name}


def _check(project, bills):
    if len(bills) > MAX_IMPORT_BILLS:
        _fail(f"A file can hold at most {MAX_IMPORT_BILLS} bills.")
    currencies = set()
    for bill in bills:
        if bill.get("currency") in (None, "", NO_CURRENCY):
            bill["currency"] = project.default_currency
        for attribute in REQUIRED_ATTRIBUTES:
            if attribute not in bill:
                _fail(f"Missing attribute: {attribute}")
        if isinstance(bill["owers"], str):
            bill["owers"] = [name.strip() for name in bill["owers"].split(",") if name.strip()]
        if not isinstance(bill["owers"], list) or not bill["owers"]:
            _fail(f"A bill must be owed by someone: {bill.get('what')}")
        # One value per field, one name per ower: a list or an object there ("currency": [])
        # could not be compared, hashed or stored (a 500 before this check).
        values = [(key, value) for key, value in bill.items() if key != "owers"]
        for attribute, value in [*values, *(("owers", name) for name in bill["owers"])]:
            if isinstance(value, list | dict):
                _fail(f"Not a valid {attribute}: {json.dumps(value)[:50]}")
        currencies.add(bill["currency"])
    if project.default_currency == NO_CURRENCY:
        if len(currencies - {NO_CURRENCY}) >= 2:
            _fail("Cannot add bills in multiple currencies to a project without default currency")
        for bill in bills:
            bill["currency"] = NO_CURRENCY


def _key(bill):
    """What makes two bills the same for import: ihatemoney compares whole exports."""
    return (str(bill["date"]), str(bill["what"]), str(bill.get("bill_type") or "Expense"),
            Decimal(str(bill["amount"])).normalize(), str(bill["currency"]), str(bill["payer_name"]),
            tuple(sorted(str(name) for name in bill["owers"])))


def import_bills(project_id, data, *, actor=None):
    """Add the file's bills to the project; the number of bills added."""
    bills, declared = parse_file(data)
    with write_transaction():
        project = lookup.get_project(project_id, for_update=True)
        _check(project, bills)
        bills.sort(key=lambda b: str(b["date"]))
        # New members in order of appearance, each with the weight it has as a payer.
        weights = dict(declared)
        for bill in bills:
            weights.setdefault(str(bill["payer_name"]).strip(), bill["payer_weight"])
        members = {m.name: m for m in lookup.list_members(project.id)}
        for names in ([*declared], *([bill["payer_name"], *bill["owers"]] for bill in bills)):
            for name in names:
                name = str(name).strip()
                if name not in members:
                    members[name] = _new_member(project.id, name, weights.get(name, 1), actor)
        seen = set()
        for row in bill_rows(project):
            try:
                seen.add(_key(row))
            except ArithmeticError:
                continue
        added = 0
        for bill in bills:
            try:
                key = _key(bill)
            except ArithmeticError:
                _fail(f"Not a valid amount: {bill['amount']}")
            if key in seen:
                continue
            seen.add(key)
            _add(project, bill, members, actor)
            added += 1
    return added


def _new_member(project_id, name, weight, actor):
    try:
        return project_members.add_member(project_id, name, str(weight) if weight not in (None, "") else None,
                                          actor=actor)
    except Invalid as exc:
        _fail(f"Participant “{name}”: {exc.message}")


def _add(project, bill, members, actor):
    try:
        project_bills.create_bill(
            project.id, actor=actor, include_inactive=True, what=str(bill["what"]),
            payer_id=members[str(bill["payer_name"]).strip()].id,
            owers=[members[str(name).strip()].id for name in bill["owers"]],
            amount=str(bill["amount"]), date=str(bill["date"])[:10], bill_type=bill.get("bill_type") or "Expense",
            original_currency=bill["currency"], external_link=bill.get("external_link") or None)
    except Invalid as exc:
        field, message = next(iter(exc.errors.items()))
        _fail(f"Bill “{bill['what']}” ({field}): {message}")
