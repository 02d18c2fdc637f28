"""What a parser hands back: frozen values, no database, no model objects.

Amounts are exact Decimals as the file spells them, signed from the account holder's
side (negative = money out), in the row's currency (the statement's unless the row
says otherwise). Dates are calendar dates as the bank printed them: an OFX time zone
is not applied, so a row posted at midnight in Kyiv stays on its day.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

DAY_FIRST, MONTH_FIRST, YEAR_FIRST = "dmy", "mdy", "ymd"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST, YEAR_FIRST)


class ParseError(ValueError):
    """A file that cannot be read as a statement; nothing of it may be imported.

    ``line`` (1-based) or ``element`` (an XML path such as ``Stmt[1]/Ntry[2]/BookgDt``)
    says where, when the problem has a place."""

    def __init__(self, message, *, line=None, element=None):
        self.message, self.line, self.element = message, line, element
        where = f"Line {line}: " if line is not None else (f"{element}: " if element else "")
        super().__init__(where + message)


class AmbiguousDateOrder(ParseError):
    """Every date of the file reads both day-first and month-first: the user must say
    which, then the caller parses again with ``ParseOptions(date_order=...)``.
    ``dialect`` carries a CSV file's detected dialect, so the screen can show it too."""

    def __init__(self, message, *, choices=(DAY_FIRST, MONTH_FIRST), dialect=None, line=None):
        super().__init__(message, line=line)
        self.choices, self.dialect = tuple(choices), dialect


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """0-based column indexes of a CSV file (None: the file has no such column).
    Either ``amount`` (signed) or ``debit`` and/or ``credit`` (money out / in) is set."""

    date: int | None = None
    amount: int | None = None
    debit: int | None = None
    credit: int | None = None
    payee: int | None = None
    description: int | None = None
    memo: int | None = None
    category: int | None = None
    external_id: int | None = None
    balance: int | None = None
    currency: int | None = None


@dataclass(frozen=True, slots=True)
class CsvDialect:
    """How a CSV file was read, as detected; the caller may show it and pass a changed
    copy back in ``ParseOptions(csv=...)`` (``dataclasses.replace``)."""

    encoding: str
    delimiter: str
    decimal: str                    # "." or ","
    date_format: str                # a strptime format, e.g. "%d.%m.%Y"
    header_line: int                # 1-based line of the header row
    header: tuple[str, ...]
    mapping: ColumnMapping
    quotechar: str = '"'


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """What the caller decides: limits from its config, and overrides of detection."""

    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 200_000
    date_order: str | None = None   # force DAY_FIRST or MONTH_FIRST (QIF, CSV)
    csv: CsvDialect | None = None   # use this dialect instead of detecting one
    encoding: str | None = None     # force a text encoding (CSV, QIF)


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    date: dt.date | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """The account a file speaks of. ``kind`` is SpendSense's account type for it
    (bank, credits, cash, stocks, other_asset, other_liability) where the file says."""

    number: str | None = None       # OFX ACCTID, CAMT IBAN or other id
    bank_id: str | None = None      # OFX BANKID, CAMT BIC
    type: str | None = None         # as the file says: CHECKING, CREDITCARD, Bank, Oth A...
    kind: str | None = None
    currency: str | None = None
    name: str | None = None         # QIF and SpendSense exports name their accounts
    iban: str | None = None


@dataclass(frozen=True, slots=True)
class Split:
    amount: Decimal
    category: str | None = None
    memo: str | None = None
    transfer_account: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedRow:
    date: dt.date
    amount: Decimal
    line: int | None = None         # 1-based line where the row starts, in text formats
    time: dt.time | None = None     # where the file has one (SpendSense exports)
    payee: str | None = None
    description: str | None = None
    memo: str | None = None
    external_id: str | None = None  # OFX FITID, CAMT AcctSvcrRef/EndToEndId, CSV reference
    category: str | None = None     # "Parent:Child" as the file names it
    balance: Decimal | None = None  # the balance after this row, where the file gives it
    splits: tuple[Split, ...] = ()
    account: str | None = None      # AccountInfo.name/number in files with several accounts
    transfer_account: str | None = None
    cheque_number: str | None = None
    status: str | None = None       # "posted" / "pending" where the file says
    currency: str | None = None     # where the file gives a currency per row
    foreign_amount: Decimal | None = None
    foreign_currency: str | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    format: str                     # ofx, qif, csv, camt053, spendsense-csv, spendsense-json, xpenser-csv, ...
    rows: tuple[ParsedRow, ...]
    account: AccountInfo | None = None
    accounts: tuple[AccountInfo, ...] = ()
    currency: str | None = None
    balance: Balance | None = None          # closing/ledger balance (OFX LEDGERBAL, CAMT CLBD)
    opening_balance: Balance | None = None  # CAMT OPBD, QIF "Opening Balance"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    date_order: str | None = None           # the order the dates were read in (QIF, CSV)
    csv_dialect: CsvDialect | None = None
    warnings: tuple[str, ...] = field(default=())
