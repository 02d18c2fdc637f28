"""Labels (tags) of transactions: cleaned from what was typed, made on first use."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spendsense.extensions import db
from spendsense.models import Label, Transaction, transaction_labels
from spendsense.services import validation
from spendsense.services.errors import Invalid

MAX_LABELS = 20
MAX_LENGTH = 50


def clean(names):
    """The distinct label names in ``names`` (a list, or text split at spaces, commas and
    "#"), without their "#", ignoring case for duplicates; sorted, so every writer takes
    them in one order and two never wait for each other crosswise."""
    if names is None:
        return ()
    if isinstance(names, str):
        names = names.replace("#", " ").replace(",", " ").split()
    cleaned = {}
    for name in names:
        label = validation.text(name, "labels", max_length=MAX_LENGTH, label="Label")
        label = label.lstrip("#") if label else None
        if label:
            cleaned.setdefault(label.lower(), label)
    if len(cleaned) > MAX_LABELS:
        raise Invalid.field("labels", f"A transaction can have at most {MAX_LABELS} labels.")
    return tuple(sorted(cleaned.values()))


def resolve(ledger_id, names):
    """The ledger's Label rows for already cleaned names, creating the missing ones
    (inside the caller's write transaction)."""
    if not names:
        return []
    found = {label.name: label for label in db.session.scalars(
        select(Label).where(Label.ledger_id == ledger_id, Label.name.in_(names)))}
    for name in names:
        if name in found:
            continue
        try:
            with db.session.begin_nested():
                label = Label(ledger_id=ledger_id, name=name)
                db.session.add(label)
        except IntegrityError:  # created meanwhile by a concurrent request
            label = db.session.scalars(
                select(Label).where(Label.ledger_id == ledger_id, Label.name == name)).one()
        found[name] = label
    return [found[name] for name in names]


def names_in_use(ledger_id):
    """The names of the ledger's labels that a live transaction carries, sorted ignoring
    case. Labels are made on first use and never deleted, so one whose transactions were
    all deleted or relabelled is left out rather than offered forever."""
    carried = (select(transaction_labels.c.label_id)
               .join(Transaction, Transaction.id == transaction_labels.c.transaction_id)
               .where(transaction_labels.c.label_id == Label.id, Transaction.deleted_at.is_(None)))
    names = db.session.scalars(select(Label.name).where(Label.ledger_id == ledger_id, carried.exists())).all()
    # Sorted here: SQLite's lower() folds only ASCII, so "ÉCLAIR" would not sort beside "éclair".
    return sorted(names, key=lambda name: (name.casefold(), name))
