"""A project's bills: add, edit, delete, list, and the split behind each.

One write transaction per change carries the bill row, its bill_owers rows (with each
ower's share), the members' cached totals, the history event and the linked users'
personal transactions (services/bills/booking.py). The project row is locked first, so
writers of one project run one at a time and always split with current weights.
"""

from dataclasses import dataclass
from datetime import date as date_type
from urllib.parse import urlsplit

from sqlalchemy import bindparam, delete, func, select, update

from spendsense import money
from spendsense.extensions import db
from spendsense.models import BILL_TYPES, NO_CURRENCY, Bill, Member, bill_owers
from spendsense.models.base import utcnow
from spendsense.services import audit, exchange, validation
from spendsense.services.bills import amounts as bill_amounts
from spendsense.services.bills import booking, lookup, projects, splits
from spendsense.services.errors import Invalid
from spendsense.services.uow import write_transaction

REQUIRED = projects.REQUIRED
NOT_A_CHOICE = "Not a valid choice."


@dataclass(frozen=True)
class BillView:
    """A bill as lists show it, read without loading ORM objects."""

    id: int
    payer_id: int
    owers: tuple
    amount: int
    original_currency: str
    converted_amount: int
    date: date_type
    creation_date: date_type
    what: str
    bill_type: str
    external_link: str


def _bad_choices(values):
    joined = "', '".join(str(value) for value in values)
    return (f"'{joined}' is not a valid choice for this field." if len(values) == 1
            else f"'{joined}' are not valid choices for this field.")


def _member_id(value, field):
    try:
        return validation.identifier(value, field)
    except Invalid as exc:
        raise Invalid.field(field, REQUIRED if value in (None, "") else NOT_A_CHOICE) from exc


def _owers(values, allowed):
    if isinstance(values, (str, int)):
        values = [values]
    ids = []
    bad = []
    for value in values or ():
        try:
            member_id = validation.identifier(value, "payed_for")
        except Invalid:
            bad.append(value)
            continue
        if member_id not in allowed:
            bad.append(member_id)
        elif member_id not in ids:
            ids.append(member_id)
    if bad:
        raise Invalid.field("payed_for", _bad_choices(sorted({str(b) for b in bad})))
    if not ids:
        raise Invalid.field("payed_for", REQUIRED)
    return ids


def _link(value):
    link = validation.text(value, "external_link", max_length=2048) or ""
    if link:
        parts = urlsplit(link)
        # Only web links: a javascript: or data: URL would run when someone clicks it.
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise Invalid.field("external_link", "Invalid URL.")
    return link


def _currency(project, value):
    code = project.default_currency if value in (None, "") else str(value).strip().upper()
    if code not in lookup.currencies():
        raise Invalid.field("original_currency", NOT_A_CHOICE)
    if project.default_currency == NO_CURRENCY and code != NO_CURRENCY:
        # A project without a currency has nothing to convert into (as in ihatemoney).
        raise Invalid.field("original_currency", f"Failed to convert from {code} currency")
    return code


def _conversion(project, cleaned):
    """(converted minor units, rate text, rate date) of the bill in the project's currency.

    Same currency, or no currency: the amount as it is. Otherwise the offline ECB
    reference rate of the bill's date; the rate and its date are kept on the bill.
    """
    code = cleaned["original_currency"]
    if code in (NO_CURRENCY, project.default_currency):
        return cleaned["amount"], None, None
    typed = money.from_minor(cleaned["amount"], code)
    try:
        result = exchange.convert(typed, code, project.default_currency, cleaned["date"])
    except Invalid as exc:
        raise Invalid.field("original_currency", f"Failed to convert from {code} currency") from exc
    return money.to_minor(result.amount, project.default_currency), str(result.rate), result.rate_date


def _date(value):
    """None means today; anything else must be a date (an empty one is missing)."""
    if value is None:
        return lookup.today()
    if isinstance(value, str) and not value.strip():
        raise Invalid.field("date", REQUIRED)
    return validation.parse_date(value.strip() if isinstance(value, str) else value, "date")


def _amount(value, currency):
    """Minor units of ``currency`` (the bill's own) for a typed amount or calculation."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid.field("amount", REQUIRED)
    try:
        amount = bill_amounts.parse(value, money.places(currency))
    except bill_amounts.AmountError as exc:
        raise Invalid.field("amount", str(exc)) from exc
    return money.to_minor(amount, currency)


def _clean(project, values, bill=None, include_inactive=False):
    """The bill's cleaned fields and owers, every field checked before any error is raised."""
    members = select(Member.id).where(Member.project_id == project.id)
    if not include_inactive:
        members = members.where(Member.activated.is_(True))
    allowed = set(db.session.scalars(members))
    if bill is not None:  # a bill may keep members deactivated since it was written
        allowed |= {bill.payer_id, *splits.shares_of(bill.id)}
    cleaned, errors = {}, {}

    def check(field, function, *args):
        try:
            cleaned[field] = function(*args)
        except Invalid as exc:
            errors.update(exc.errors)

    check("what", projects.required_text, values.get("what"), "what", 300)
    check("payer_id", _member_id, values.get("payer_id"), "payer")
    if "payer_id" in cleaned and cleaned["payer_id"] not in allowed:
        errors["payer"] = NOT_A_CHOICE
    check("original_currency", _currency, project, values.get("original_currency"))
    check("amount", _amount, values.get("amount"), cleaned.get("original_currency", project.default_currency))
    check("date", _date, values.get("date"))
    check("external_link", _link, values.get("external_link"))
    check("bill_type", lambda: validation.choice(values.get("bill_type") or "Expense", "bill_type", BILL_TYPES))
    check("owers", _owers, values.get("owers"), allowed)
    if "bill_type" in errors:
        errors["bill_type"] = NOT_A_CHOICE
    if not errors:
        check("converted_amount", lambda: _conversion(project, cleaned))
    if errors:
        raise Invalid(errors)
    cleaned["converted_amount"], cleaned["fx_rate"], cleaned["fx_rate_date"] = cleaned.pop("converted_amount")
    return cleaned


def _weights(member_ids):
    rows = db.session.execute(select(Member.id, Member.weight_milli).where(Member.id.in_(member_ids)))
    return dict(rows.all())


def _snapshot(bill, shares, names):
    currency = bill.original_currency
    return {"what": bill.what, "amount": str(money.from_minor(bill.amount, currency)), "currency": currency, "date": bill.date.isoformat(), "payer": names.get(bill.payer_id),
            "owers": [names.get(member_id) for member_id in sorted(shares)], "bill_type": bill.bill_type,
            "external_link": bill.external_link}


def _names(project_id):
    return dict(db.session.execute(select(Member.id, Member.name).where(Member.project_id == project_id)).all())


def register_settlement(project_id, ower_id, receiver_id, amount, *, actor=None, what="Settlement"):
    """Record that ``ower`` paid ``receiver`` back: ihatemoney's settlement bill, a
    reimbursement paid by the ower for the receiver. ``amount`` in minor units."""
    project = lookup.get_project(project_id)
    return create_bill(project.id, what=what, payer_id=ower_id, owers=[receiver_id],
                       amount=money.from_minor(amount, project.default_currency),
                       bill_type="Reimbursement", actor=actor)


def create_bill(project_id, *, actor=None, include_inactive=False, **values):
    """Record a bill. ``values``: what, payer_id, owers (ids), amount (number or
    calculation), and optionally date, external_link, bill_type, original_currency.
    Payer and owers must be active members, unless ``include_inactive`` (imports)."""
    with write_transaction() as session:
        project = lookup.get_project(project_id, for_update=True)
        cleaned = _clean(project, values, include_inactive=include_inactive)
        owers = cleaned.pop("owers")
        bill = Bill(project_id=project.id, creation_date=lookup.today(),
                    created_at=utcnow(), **cleaned)
        session.add(bill)
        session.flush()
        shares = splits.split(bill.converted_amount, _weights(owers))
        splits.apply(bill.bill_type, bill.payer_id, bill.converted_amount, shares, +1)
        transactions = booking.sync_bill(project, bill, {}, shares, actor)
        splits.store_owers(bill.id, shares, transactions)
        audit.record(project, "bill", bill.id, "create", audit.diff({}, _snapshot(bill, shares, _names(project.id))),
                     actor)
    return bill


def get_bill(project_id, bill_id, *, for_update=False):
    return lookup.get_in_project(Bill, project_id, bill_id, "bill", for_update=for_update)


def update_bill(project_id, bill_id, *, actor=None, **values):
    """Replace every field of the bill (ihatemoney's PUT is a full replacement)."""
    with write_transaction() as session:
        project = lookup.get_project(project_id, for_update=True)
        bill = get_bill(project.id, bill_id, for_update=True)
        old_rows = splits.shares_of(bill.id)
        names = _names(project.id)
        before = _snapshot(bill, old_rows, names)
        cleaned = _clean(project, values, bill)
        owers = cleaned.pop("owers")
        old_shares = {member_id: share for member_id, (share, _txn) in old_rows.items()}
        splits.apply(bill.bill_type, bill.payer_id, bill.converted_amount, old_shares, -1)
        for field, value in cleaned.items():
            setattr(bill, field, value)
        shares = splits.split(bill.converted_amount, _weights(owers))
        splits.apply(bill.bill_type, bill.payer_id, bill.converted_amount, shares, +1)
        session.execute(delete(bill_owers).where(bill_owers.c.bill_id == bill.id))
        transactions = booking.sync_bill(project, bill, old_rows, shares, actor)
        splits.store_owers(bill.id, shares, transactions)
        session.flush()
        changes = audit.diff(before, _snapshot(bill, shares, names))
        if changes:
            audit.record(project, "bill", bill.id, "update", {"what": [before["what"], bill.what], **changes}, actor)
    session.expire(bill, ["owers"])
    return bill


def delete_bill(project_id, bill_id, *, actor=None):
    with write_transaction() as session:
        project = lookup.get_project(project_id, for_update=True)
        bill = get_bill(project.id, bill_id, for_update=True)
        old_rows = splits.shares_of(bill.id)
        old_shares = {member_id: share for member_id, (share, _txn) in old_rows.items()}
        splits.apply(bill.bill_type, bill.payer_id, bill.converted_amount, old_shares, -1)
        booking.sync_bill(project, bill, old_rows, {}, actor)
        audit.record(project, "bill", bill.id, "delete", audit.gone(_snapshot(bill, old_rows, _names(project.id))),
                     actor)
        session.execute(delete(Bill).where(Bill.id == bill.id))
        session.expunge(bill)


def resplit_member_bills(project, member_id, actor=None):
    """After a weight change: split again every bill the member owes on, moving the
    cached totals and linked personal transactions by the differences."""
    bill_ids = select(bill_owers.c.bill_id).where(bill_owers.c.member_id == member_id)
    bills = {bill.id: bill for bill in db.session.scalars(select(Bill).where(Bill.id.in_(bill_ids)))}
    rows = db.session.execute(
        select(bill_owers.c.bill_id, bill_owers.c.member_id, bill_owers.c.share, bill_owers.c.transaction_id,
               Member.weight_milli)
        .join(Member, Member.id == bill_owers.c.member_id).where(bill_owers.c.bill_id.in_(bill_ids))).all()
    per_bill = {}
    for bill_id, ower_id, share, txn, weight in rows:
        per_bill.setdefault(bill_id, {})[ower_id] = (share, txn, weight)
    changed = []
    for bill_id, owers in per_bill.items():
        bill = bills[bill_id]
        new = splits.split(bill.converted_amount, {ower: weight for ower, (_s, _t, weight) in owers.items()})
        old = {ower: share for ower, (share, _t, _w) in owers.items()}
        if new == old:
            continue
        splits.apply(bill.bill_type, bill.payer_id, 0, old, -1)
        splits.apply(bill.bill_type, bill.payer_id, 0, new, +1)
        transactions = booking.sync_bill(project, bill, {o: (s, t) for o, (s, t, _w) in owers.items()}, new, actor)
        changed.extend({"bill": bill_id, "member": ower, "share": new[ower], "txn": transactions.get(ower)}
                       for ower in new)
    if changed:
        db.session.execute(
            update(bill_owers).where(bill_owers.c.bill_id == bindparam("bill"),
                                     bill_owers.c.member_id == bindparam("member"))
            .values(share=bindparam("share"), transaction_id=bindparam("txn")), changed)


@dataclass(frozen=True)
class BillFilter:
    search: str | None = None
    payer_id: int | None = None
    start: date_type | None = None
    end: date_type | None = None


def _filtered(project_id, flt):
    query = select(Bill).where(Bill.project_id == project_id)
    if flt.search:
        escaped = flt.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Bill.what).like(f"%{escaped}%", escape="\\"))
    if flt.payer_id is not None:
        query = query.where(Bill.payer_id == flt.payer_id)
    if flt.start is not None:
        query = query.where(Bill.date >= flt.start)
    if flt.end is not None:
        query = query.where(Bill.date <= flt.end)
    return query


def list_bills(project_id, flt=None, *, limit=None, offset=0):
    """Bills newest first (date, creation date, id) as BillViews, owers included."""
    flt = flt or BillFilter()
    query = _filtered(project_id, flt).order_by(Bill.date.desc(), Bill.creation_date.desc(), Bill.id.desc())
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = db.session.execute(query.with_only_columns(
        Bill.id, Bill.payer_id, Bill.amount, Bill.original_currency, Bill.converted_amount, Bill.date,
        Bill.creation_date, Bill.what, Bill.bill_type, Bill.external_link)).all()
    ids = [row.id for row in rows]
    owers = {}
    if ids:
        scope = (bill_owers.c.bill_id.in_(ids) if limit is not None else
                 bill_owers.c.bill_id.in_(_filtered(project_id, flt).with_only_columns(Bill.id)))
        for bill_id, member_id in db.session.execute(
                select(bill_owers.c.bill_id, bill_owers.c.member_id).where(scope)
                .order_by(bill_owers.c.bill_id, bill_owers.c.member_id)):
            owers.setdefault(bill_id, []).append(member_id)
    return [BillView(row.id, row.payer_id, tuple(owers.get(row.id, ())), row.amount, row.original_currency,
                     row.converted_amount, row.date, row.creation_date, row.what, row.bill_type, row.external_link)
            for row in rows]


def count_bills(project_id, flt=None):
    query = _filtered(project_id, flt or BillFilter()).with_only_columns(func.count(Bill.id))
    return db.session.scalar(query)


def view_of(bill):
    return BillView(bill.id, bill.payer_id, tuple(sorted(splits.shares_of(bill.id))), bill.amount,
                    bill.original_currency, bill.converted_amount, bill.date, bill.creation_date, bill.what,
                    bill.bill_type, bill.external_link)
