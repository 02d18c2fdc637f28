"""Bank CSV files: the encoding, delimiter, header row, columns, decimal separator and
date format are detected and returned as a ``CsvDialect`` that the caller can show,
change and pass back (``ParseOptions(csv=...)``). SpendSense's and Xpenser's own CSV
exports are recognised by their header and read by ``spendsense_exports``.
"""

import csv
import io
import re
from dataclasses import astuple
from datetime import datetime

from spendsense.services.io.parsers import spendsense_exports
from spendsense.services.io.parsers.statement import (
    DAY_FIRST,
    MONTH_FIRST,
    YEAR_FIRST,
    AmbiguousDateOrder,
    Balance,
    ColumnMapping,
    CsvDialect,
    ParsedRow,
    ParsedStatement,
    ParseError,
)
from spendsense.services.io.parsers.values import (
    decode,
    numeric_parts,
    order_of,
    parse_decimal,
    sniff_encoding,
)

DELIMITERS = (";", ",", "\t", "|")
HEADER_SEARCH = 30   # banks put a preamble (account, period) above the header
# Header names per role, best first; compared after _normal() (lower case, no punctuation).
NAMES = {
    "date": ("date", "transaction date", "trans date", "posting date", "posted date", "booking date", "booked",
             "datum", "buchungstag", "buchungsdatum", "transaktionsdatum", "дата", "дата операції",
             "дата транзакції", "дата і час операції", "дата проведення", "value date", "valuta", "wertstellung",
             "valutadatum", "дата валютування"),
    "amount": ("amount", "transaction amount", "value", "betrag", "umsatz", "buchungsbetrag", "сума",
               "сума операції", "сума в валюті картки", "сума у валюті рахунку"),
    "debit": ("debit", "debit amount", "withdrawal", "withdrawals", "paid out", "money out", "out", "soll",
              "ausgang", "ausgaben", "lastschrift", "списання", "витрати", "дебет"),
    "credit": ("credit", "credit amount", "deposit", "deposits", "paid in", "money in", "in", "haben",
               "eingang", "einnahmen", "gutschrift", "зарахування", "надходження", "кредит"),
    "payee": ("payee", "name", "merchant", "counterparty", "beneficiary", "recipient", "payer", "empfänger",
              "zahlungsempfänger", "auftraggeber/empfänger", "auftraggeber empfänger",
              "beguenstigter/zahlungspflichtiger", "begünstigter/zahlungspflichtiger", "name zahlungsbeteiligter",
              "auftraggeber", "одержувач", "отримувач", "контрагент", "платник"),
    "description": ("description", "details", "narrative", "transaction description", "text", "particulars",
                    "verwendungszweck", "buchungstext", "beschreibung", "опис", "опис операції",
                    "призначення платежу", "деталі операції", "деталі"),
    "memo": ("memo", "note", "notes", "comment", "notiz", "bemerkung", "примітка", "коментар"),
    "category": ("category", "kategorie", "категорія"),
    "external_id": ("reference", "id", "transaction id", "ref", "bank reference", "fitid", "referenz",
                    "kundenreferenz", "end-to-end-referenz", "референс", "номер операції", "ідентифікатор"),
    "balance": ("balance", "running balance", "balance after", "saldo", "kontostand", "баланс", "залишок",
                "залишок після операції"),
    "currency": ("currency", "ccy", "währung", "waehrung", "валюта"),
}
_LOOKUP = {name: (role, rank) for role, names in NAMES.items() for rank, name in enumerate(names)}
_SUFFIX = re.compile(r"\s*(\([^)]*\)|\[[^]]*\]|\b[a-z]{3}\b|[€$£₴])\s*$")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?[AP]M)?(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
TEXT_DATE_FORMATS = ("%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%y", "%Y%m%d")


def _normal(cell):
    text = " ".join(cell.replace("\ufeff", "").strip().strip('"').lower().replace("_", " ").split()).rstrip(":.")
    if text in _LOOKUP:
        return text
    bare = _SUFFIX.sub("", text)
    return bare if bare in _LOOKUP else text


def propose_mapping(header):
    """The column of each role from header names, each column used once."""
    best = {}
    for index, cell in enumerate(header):
        found = _LOOKUP.get(_normal(cell))
        if found:
            role, rank = found
            if role not in best or rank < best[role][0]:
                best[role] = (rank, index)
    if "amount" in best and ("debit" in best or "credit" in best):
        best.pop("debit", None)
        best.pop("credit", None)
    return ColumnMapping(**{role: index for role, (_rank, index) in best.items()})


def _usable(mapping):
    return mapping.date is not None and (mapping.amount is not None or mapping.debit is not None
                                         or mapping.credit is not None)


def _decode(data, options):
    forced = options.encoding or (options.csv.encoding if options.csv else None)
    if forced or sniff_encoding(data):
        return decode(data, forced)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: a Windows code page. Cyrillic text in CP1251 is mostly bytes 0xC0-0xFF, while
    # Western text has a few accented letters among ASCII ones.
    high = sum(1 for byte in data[:20000] if byte >= 0xC0)
    letters = high + sum(1 for byte in data[:20000] if 0x41 <= byte <= 0x7A)
    return decode(data, "cp1251" if letters and high / letters > 0.3 else None)


def _table(text, delimiter, limit=None):
    """[(line number, cells)] of the text read with ``delimiter``; csv.Error names its line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    rows, start = [], 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
            if limit and len(rows) >= limit:
                break
    except csv.Error as error:
        raise ParseError(f"The CSV file cannot be read: {error}.", line=reader.line_num) from None
    return rows


def _find_header(text):
    """(delimiter, header line, header cells, mapping) of the first row naming a date and an
    amount column, trying each delimiter; ParseError naming the row that came closest."""
    closest = None
    for delimiter in sorted(DELIMITERS, key=lambda d: -text[:5000].count(d)):
        for number, cells in _table(text, delimiter, HEADER_SEARCH):
            mapping = propose_mapping(cells)
            known = sum(value is not None for value in astuple(mapping))
            if _usable(mapping) and len(cells) > 1:
                return delimiter, number, cells, mapping
            if known and (closest is None or known > closest[0]):
                closest = (known, number, cells, mapping)
    if closest:
        _known, number, cells, mapping = closest
        missing = "a date column" if mapping.date is None else "an amount column (or debit and credit columns)"
        raise ParseError(f"The header row {_shown(cells)} has no {missing}; map the columns by hand.", line=number)
    first = next((line for line in text.splitlines() if line.strip()), "")
    raise ParseError(f"No header row with known column names (Date, Amount, Debit, Credit, Payee...) was found; "
                     f"the first row reads {first[:120]!r}. Map the columns by hand.", line=1)


def _shown(cells):
    return "'" + ";".join(cells)[:120] + "'"


def _cell(cells, index):
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _money_cells(rows, mapping):
    columns = [mapping.amount, mapping.debit, mapping.credit, mapping.balance]
    for _number, cells in rows:
        for column in columns:
            value = _cell(cells, column)
            if value:
                yield value


def detect_decimal(values, delimiter):
    """"," when the amounts are written 1.234,56 or 12,5; "." when 1,234.56 or 12.50."""
    comma = dot = 0
    for value in values:
        digits = re.sub(r"[^0-9.,]", "", value)
        if re.search(r"\.\d{3},|,\d{1,2}$|^\d+,\d{4,}$", digits):
            comma += 1
        elif re.search(r",\d{3}\.|\.\d{1,2}$|^\d+\.\d{4,}$", digits):
            dot += 1
    if comma != dot:
        return "," if comma > dot else "."
    return "," if delimiter == ";" else "."


def _date_text(value):
    return _TIME.sub("", value.strip())


def detect_date_format(values, forced_order):
    """A strptime format that reads every value, deciding day/month order from the file
    (or ``forced_order``); AmbiguousDateOrder when it cannot tell."""
    values = [_date_text(value) for value in values if value.strip()]
    if not values:
        raise ParseError("The date column is empty.")
    parts = [numeric_parts(value) for value in values]
    if all(parts) and not all(value.isdigit() for value in values):
        separator = re.search(r"[./\-' ]", values[0]).group()
        long_year = len(re.split(r"[./\-' ]", values[0])[-1]) == 4
        order = order_of(parts)
        if order != YEAR_FIRST and forced_order in (DAY_FIRST, MONTH_FIRST):
            order = forced_order
        if order is None and separator == ".":
            order = DAY_FIRST  # 05.01.2024 is written day-first wherever dots are used
        year = "%Y" if long_year or order == YEAR_FIRST else "%y"
        fields = {YEAR_FIRST: ("%Y", "%m", "%d"), DAY_FIRST: ("%d", "%m", year), MONTH_FIRST: ("%m", "%d", year)}
        if order is None:
            return None, separator.join(fields[DAY_FIRST]), separator.join(fields[MONTH_FIRST])
        return separator.join(fields[order]), None, None
    for fmt in TEXT_DATE_FORMATS:
        if all(_strptime(value, fmt) for value in values[:200]):
            return fmt, None, None
    raise ParseError(f"The date {values[0]!r} is in no format known here; give the date format.")


def _strptime(value, fmt):
    try:
        return datetime.strptime(value, fmt).date()  # noqa: DTZ007  (a calendar date, no zone)
    except ValueError:
        return None


def detect(text, encoding, forced_order=None):
    """The CsvDialect of a bank CSV: AmbiguousDateOrder (carrying the dialect) when its
    dates read both ways."""
    delimiter, header_line, header, mapping = _find_header(text)
    rows = [(n, cells) for n, cells in _table(text, delimiter, 2000) if n > header_line]
    decimal = detect_decimal(_money_cells(rows, mapping), delimiter)
    fmt, day_first, month_first = detect_date_format(
        [_cell(cells, mapping.date) for _n, cells in rows], forced_order)
    dialect = CsvDialect(encoding=encoding, delimiter=delimiter, decimal=decimal, date_format=fmt or day_first,
                         header_line=header_line, header=tuple(header), mapping=mapping)
    if fmt is None:
        raise AmbiguousDateOrder(f"Every date reads both day-first ({day_first}) and month-first ({month_first}); "
                                 "say which order the file uses.", dialect=dialect)
    return dialect


def _read_row(number, cells, dialect):
    mapping = dialect.mapping
    raw_date = _cell(cells, mapping.date)
    when = _strptime(_date_text(raw_date), dialect.date_format)
    if when is None:
        raise ParseError(f"{raw_date!r} is not a date in the format {dialect.date_format}.", line=number)

    def money(column, what):
        return parse_decimal(_cell(cells, column), dialect.decimal, what=what, line=number)

    if mapping.amount is not None:
        amount = money(mapping.amount, "amount")
    else:
        debit, credit = money(mapping.debit, "debit"), money(mapping.credit, "credit")
        if debit and credit:
            raise ParseError("The row has both a debit and a credit amount.", line=number)
        amount = -abs(debit) if debit else (abs(credit) if credit is not None else debit)
    if amount is None:
        raise ParseError("The row has no amount.", line=number)
    text = {role: _cell(cells, getattr(mapping, role)) or None
            for role in ("payee", "description", "memo", "category", "external_id", "currency")}
    currency = text.pop("currency")
    return ParsedRow(date=when, amount=amount, line=number, balance=money(mapping.balance, "balance"),
                     currency=currency.upper() if currency else None, **text)


def parse(data, options):
    text, encoding = _decode(data, options)
    export = spendsense_exports.parse_csv(text, options)
    if export is not None:
        return export
    dialect = options.csv or detect(text, encoding, options.date_order)
    if text.count(dialect.quotechar) % 2:
        # The csv module would silently close a quote the file never closes.
        opened = text.rfind(dialect.quotechar)
        raise ParseError("A quoted cell is never closed: the file is truncated or its quoting is broken.",
                         line=text.count("\n", 0, opened) + 1)
    width = max(value for value in astuple(dialect.mapping) if value is not None)
    rows = []
    for number, cells in _table(text, dialect.delimiter):
        if number <= dialect.header_line or not any(cell.strip() for cell in cells):
            continue
        if len(cells) <= width and not _cell(cells, dialect.mapping.date):
            continue  # a footer or a note under the table, shorter than its rows
        if len(rows) >= options.max_rows:
            raise ParseError(f"The file has more than {options.max_rows} rows.", line=number)
        rows.append(_read_row(number, cells, dialect))
    if not rows:
        raise ParseError("The CSV file has a header but no rows.", line=dialect.header_line)
    dates = [row.date for row in rows]
    balance = None
    with_balance = [row for row in rows if row.balance is not None]
    if with_balance:
        # Newest first or oldest first: the closing balance is the newest row's.
        last = with_balance[0] if with_balance[0].date > with_balance[-1].date else with_balance[-1]
        balance = Balance(amount=last.balance, date=last.date)
    currencies = {row.currency for row in rows}
    order = {"%d": DAY_FIRST, "%m": MONTH_FIRST, "%Y": YEAR_FIRST}.get(dialect.date_format[:2])
    return ParsedStatement(format="csv", rows=tuple(rows), balance=balance, start_date=min(dates),
                           currency=currencies.pop() if len(currencies) == 1 else None,
                           end_date=max(dates), date_order=order, csv_dialect=dialect)
