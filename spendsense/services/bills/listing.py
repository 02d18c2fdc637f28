"""A project's bills as plain rows, in batches, for answers as long as the project: the
ihatemoney bill list and the JSON and CSV exports.

Bills are read newest first (date, creation date, id) along the index of that order,
so the database never sorts them, through a streaming cursor (``yield_per``) as
column tuples, never ORM objects. Each bill's owers come in the same row, as the
text of their ids in ascending order ("3,12,40"), aggregated by the database from
the bill_owers primary key: no second query, no ower row in Python. ``stream`` runs
a renderer over them on a connection of its own (services/snapshot.py); import reads
them inside its write transaction, on the session's connection.
"""

from collections import namedtuple

from sqlalchemy import String, Text, cast, func, literal_column, select, type_coerce
from sqlalchemy.dialects.postgresql import aggregate_order_by

from spendsense.extensions import db
from spendsense.models import Bill, Member, bill_owers
from spendsense.services import snapshot

BATCH = 2000
MemberRow = namedtuple("MemberRow", "id name weight_milli activated")


def _as_stored(column):
    # SQLite's date text as it is ("2024-03-01"), not parsed into a date to be written out again.
    return type_coerce(column, String).label(column.key)


def _owers(dialect):
    """The bill's ower ids as text, ascending, separated by commas."""
    member_id = bill_owers.c.member_id
    if dialect == "postgresql":
        joined = func.string_agg(cast(member_id, Text), aggregate_order_by(literal_column("','"), member_id))
    else:
        # SQLite (before 3.44) has no ORDER BY inside group_concat: it concatenates in the
        # order it reads, and it reads one bill's rows through the (bill_id, member_id)
        # primary key index, ascending. tests/api/test_streamed_bodies.py pins the order.
        joined = func.group_concat(member_id, ",")
    return select(joined).where(bill_owers.c.bill_id == Bill.id).scalar_subquery().label("owers")


def columns(dialect):
    """The columns of every bill row, in this order."""
    return (Bill.id, Bill.payer_id, _owers(dialect), Bill.amount, Bill.original_currency, Bill.converted_amount,
            _as_stored(Bill.date), _as_stored(Bill.creation_date), Bill.what, Bill.bill_type, Bill.external_link)


ORDER = (Bill.date.desc(), Bill.creation_date.desc(), Bill.id.desc())


def day_text(day):
    """A date column as "YYYY-MM-DD": SQLite's stored text, or PostgreSQL's date."""
    return day if day.__class__ is str else day.isoformat()


def members(connection, project_id):
    """{member id: MemberRow} of the project, by id."""
    rows = connection.execute(select(Member.id, Member.name, Member.weight_milli, Member.activated)
                              .where(Member.project_id == project_id).order_by(Member.id))
    return {row[0]: MemberRow(*row) for row in rows}


def batches(connection, project_id, *, limit=None, offset=0, size=BATCH):
    """Yield lists of bill rows, in ``columns``' order."""
    query = select(*columns(connection.dialect.name)).where(Bill.project_id == project_id).order_by(*ORDER)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    # Closed with the generator: a client leaving mid-body leaves no server-side cursor open.
    with connection.execute(query, execution_options={"yield_per": size}) as result:
        yield from result.partitions()


def ower_ids(owers):
    """The ``owers`` column as ids."""
    return [int(member_id) for member_id in owers.split(",")] if owers else []


def stream(project_id, render, *, limit=None, offset=0):
    """The chunks ``render(members, batches)`` writes, read in one snapshot on a
    connection that is closed with the generator."""
    with snapshot.reading() as connection:
        yield from render(members(connection, project_id),
                          batches(connection, project_id, limit=limit, offset=offset, size=BATCH))


def in_session(project_id):
    """(members, batches) read through the session, inside its transaction."""
    connection = db.session.connection()
    return members(connection, project_id), batches(connection, project_id)
