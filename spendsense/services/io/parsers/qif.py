"""QIF: bank, cash, credit-card, other asset/liability sections and the cash lines of
investment sections, read record by record with quiffen.

This module splits the file into records itself, so every row and every error keeps
its line number (quiffen's own ``Qif.parse_string`` counts lines per section only),
and reads dates and amounts itself before quiffen sees them: QIF dates carry no order
(2/3'20 is 3 February or 2 March), so the order is decided from the whole file, and a
bad date or amount is named by its line. quiffen then reads the fields of each record
(payee, memo, category and class, transfers, splits, cheque numbers, cleared flags).
"""

from quiffen import Investment, Transaction

from spendsense.services.io.parsers.statement import (
    AccountInfo,
    Balance,
    ParsedRow,
    ParsedStatement,
    ParseError,
    Split,
)
from spendsense.services.io.parsers.values import (
    decide_order,
    decode,
    make_date,
    numeric_parts,
    parse_decimal,
)

# QIF section type (lower case, no spaces) -> SpendSense account kind.
KINDS = {"bank": "bank", "cash": "cash", "ccard": "credits", "otha": "other_asset", "othl": "other_liability",
         "invst": "stocks"}
# Investment actions that move cash, and their sign (None: the amount is signed already).
CASH_ACTIONS = {"xin": 1, "contribx": 1, "intinc": 1, "miscinc": 1, "div": 1, "cgshort": 1, "cglong": 1,
                "cgmid": 1, "rtrncap": 1, "xout": -1, "withdrwx": -1, "miscexp": -1, "margint": -1, "cash": None}
AMOUNT_CODES = ("T", "U", "$")


def _records(text):
    """Yield (section type, account name, [(line number, code, value), ...]) per record."""
    section, account, in_account_block, record = None, None, False, []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("!"):
            if record:
                raise ParseError(f"Record started on line {record[0][0]} has no closing '^'.", line=number)
            header = stripped[1:].lower()
            if header.startswith(("option:", "clear:")):
                continue
            in_account_block = header.startswith("account")
            if header.startswith("type:"):
                section = header[5:].replace(" ", "")
            elif not in_account_block:
                section = header
            continue
        if stripped == "^" or stripped.startswith("^"):
            if in_account_block:
                account = next((value for _n, code, value in record if code == "N"), account)
                yield "account", account, record
            elif record:
                yield section, account, record
            record = []
            continue
        if section is None and not in_account_block:
            raise ParseError("Data before any '!Type:' header: this is not a QIF file.", line=number)
        record.append((number, stripped[0], stripped[1:]))
    if record:  # many programs leave out the last '^'
        yield ("account", account, record) if in_account_block else (section, account, record)


def _amount(value, line):
    try:
        return parse_decimal(value, ".", line=line)
    except ParseError:
        return parse_decimal(value, ",", line=line)


def _category_name(category):
    name = ":".join(node.name for node in reversed(category.traverse_up())) if category else None
    return None if name == "--Split--" else name  # Quicken's placeholder for "see the splits"


def _text(value):
    value = (str(value).strip() if value is not None else "")
    return value or None


def _cleared(flag):
    return "posted" if flag and flag.strip().upper() in ("X", "*", "R") else None


class _Reader:
    def __init__(self, options):
        self.options = options
        self.rows, self.accounts, self.warnings = [], {}, []
        self.opening = None
        self.skipped_actions = 0

    def account(self, name, kind_key, record):
        key = name or ""
        if key not in self.accounts:
            fields = {code: value for _n, code, value in record} if record else {}
            kind_key = kind_key or fields.get("T", "").lower().replace(" ", "")
            self.accounts[key] = AccountInfo(name=name, type=fields.get("T") or kind_key or None,
                                             kind=KINDS.get(kind_key))
        elif kind_key and self.accounts[key].kind is None:
            old = self.accounts[key]
            self.accounts[key] = AccountInfo(name=old.name, type=kind_key, kind=KINDS.get(kind_key))

    def dated(self, record, order):
        """The record as quiffen lines, with ISO dates and plain amounts, and its date."""
        lines, when = [], None
        for number, code, value in record:
            if code == "D":
                parts = numeric_parts(value)
                if parts is None:
                    raise ParseError(f"{value!r} is not a date.", line=number)
                day = make_date(parts, order, line=number, text=value)
                when = when or day
                value = day.isoformat()
            elif code in AMOUNT_CODES:
                amount = _amount(value, number)
                value = "" if amount is None else str(amount)
            lines.append(code + value)
        if when is None:
            raise ParseError("Record has no date ('D' line).", line=record[0][0])
        return lines, when

    def transaction(self, section, account, record, order):
        lines, when = self.dated(record, order)
        first = record[0][0]
        if not any(code in "TU" for _n, code, _v in record):
            raise ParseError("Record has no amount ('T' line).", line=first)
        txn, _classes = Transaction.from_list(lines, line_number=first)
        if (txn.payee or "").strip().lower() == "opening balance" and txn.to_account and not self.rows_in(account):
            # Quicken writes the starting balance as a first row transferring to the account itself.
            self.opening = Balance(amount=txn.amount, date=when)
            if account is None and "" in self.accounts:
                # Without an !Account header the file's one account is named only here.
                old = self.accounts.pop("")
                self.accounts[""] = AccountInfo(name=txn.to_account, type=old.type, kind=old.kind)
            return
        splits = tuple(Split(amount=split.amount, category=_category_name(split.category),
                             memo=_text(split.memo), transfer_account=_text(split.to_account))
                       for split in txn.splits if split.amount is not None)
        self.add(ParsedRow(date=when, amount=txn.amount, line=first, payee=_text(txn.payee), memo=_text(txn.memo),
                           category=_category_name(txn.category), splits=splits, account=account,
                           transfer_account=_text(txn.to_account), cheque_number=_text(txn.check_number),
                           status=_cleared(txn.cleared)))

    def investment(self, account, record, order):
        lines, when = self.dated(record, order)
        item = Investment.from_list(lines, line_number=record[0][0])
        sign = CASH_ACTIONS.get((item.action or "").strip().lower(), 0)
        if sign == 0 or item.amount is None:
            self.skipped_actions += 1
            return
        amount = item.amount if sign is None else sign * abs(item.amount)
        target = _text(item.to_account)
        transfer = target[1:-1] if target and target.startswith("[") and target.endswith("]") else None
        self.add(ParsedRow(date=when, amount=amount, line=record[0][0], payee=_text(item.first_line),
                           memo=_text(item.memo), account=account, transfer_account=transfer,
                           category=None if transfer else target, status=_cleared(item.cleared)))

    def rows_in(self, account):
        return any(row.account == account for row in self.rows)

    def add(self, row):
        if len(self.rows) >= self.options.max_rows:
            raise ParseError(f"The file has more than {self.options.max_rows} rows.", line=row.line)
        self.rows.append(row)


def parse(data, options):
    text, encoding = decode(data, options.encoding)
    records = list(_records(text))
    dated = [(section, account, record) for section, account, record in records
             if section in KINDS]
    parts, dotted = [], True
    for _section, _account, record in dated:
        for number, code, value in record:
            if code == "D":
                dotted = dotted and "." in value
                found = numeric_parts(value)
                if found is None:
                    raise ParseError(f"{value!r} is not a date.", line=number)
                parts.append(found)
    order = decide_order(parts, options.date_order, dotted=dotted and bool(parts))
    reader = _Reader(options)
    for section, account, record in records:
        if section == "account":
            reader.account(account, None, record)
        elif section in KINDS:
            reader.account(account, section, None)
            try:
                if section == "invst":
                    reader.investment(account, record, order)
                else:
                    reader.transaction(section, account, record, order)
            except (ValueError, TypeError) as error:
                if isinstance(error, ParseError):
                    raise
                raise ParseError(f"QIF record cannot be read: {error}", line=record[0][0]) from None
    if not reader.rows and reader.opening is None:
        raise ParseError("The QIF file has no bank, cash, credit-card or asset/liability transactions.")
    warnings = []
    if reader.skipped_actions:
        warnings.append(f"{reader.skipped_actions} investment row(s) that move securities, not cash, were left out.")
    accounts = tuple(info for info in reader.accounts.values() if info.kind)
    dates = [row.date for row in reader.rows]
    return ParsedStatement(
        format="qif", rows=tuple(reader.rows), account=accounts[0] if accounts else None, accounts=accounts,
        opening_balance=reader.opening, start_date=min(dates, default=None), end_date=max(dates, default=None),
        date_order=order, warnings=tuple(warnings) + ((f"Read as {encoding}.",) if encoding != "utf-8" else ()))

