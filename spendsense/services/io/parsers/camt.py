"""CAMT.053 (ISO 20022 BankToCustomerStatement), versions 001.02 to 001.13 alike for
what is read here. XML from users goes through defusedxml: a document declaring
entities or a DTD is refused instead of being expanded.

No Python CAMT library is mature yet (the ones on PyPI are 0.0.x releases), and what an
import needs is a few dozen paths, read with the standard ElementTree. Namespaces are
dropped, so every version's elements read alike; errors name an element path such as
``Stmt[1]/Ntry[2]/BookgDt``.
"""

import re
from dataclasses import replace
from datetime import date

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XmlError
from defusedxml.ElementTree import fromstring

from spendsense.services.io.parsers.statement import (
    AccountInfo,
    Balance,
    ParsedRow,
    ParsedStatement,
    ParseError,
)
from spendsense.services.io.parsers.values import parse_decimal

_VERSION = re.compile(r"camt\.(\d{3})\.001\.(\d{2})")
OPENING, CLOSING = ("OPBD", "PRCD"), ("CLBD",)


def _strip(root):
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rsplit("}", 1)[1]
    return root


def _text(element, path):
    found = element.find(path) if element is not None else None
    text = found.text.strip() if found is not None and found.text else ""
    return text or None


def _day(element, path, where):
    """A date from <Dt> or <DtTm> under ``path``."""
    node = element.find(path)
    if node is None:
        return None
    text = _text(node, "Dt") or (_text(node, "DtTm") or "")[:10] or None
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParseError(f"{text!r} is not a date (YYYY-MM-DD).", element=f"{where}/{path}") from None


def _signed(element, where):
    """(amount signed by CdtDbtInd, currency) of an element holding Amt and CdtDbtInd."""
    amount_node = element.find("Amt")
    if amount_node is None or not (amount_node.text or "").strip():
        raise ParseError("No amount (Amt).", element=where)
    amount = parse_decimal(amount_node.text, ".", element=f"{where}/Amt")
    indicator = _text(element, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise ParseError(f"CdtDbtInd must be CRDT or DBIT, not {indicator!r}.", element=f"{where}/CdtDbtInd")
    return (-amount if indicator == "DBIT" else amount), amount_node.get("Ccy")


def _party(details, role):
    """The name of the debtor or creditor (under Pty from version 8 on), or ultimate one."""
    for path in (f"RltdPties/{role}/Nm", f"RltdPties/{role}/Pty/Nm", f"RltdPties/Ultmt{role}/Nm",
                 f"RltdPties/Ultmt{role}/Pty/Nm"):
        name = _text(details, path)
        if name:
            return name
    return None


def _remittance(entry, details):
    if details is not None:
        lines = [node.text.strip() for node in details.findall("RmtInf/Ustrd") if node.text and node.text.strip()]
        if lines:
            return " ".join(lines)
        reference = _text(details, "RmtInf/Strd/CdtrRefInf/Ref")
        if reference:
            return reference
        extra = _text(details, "AddtlTxInf")
        if extra:
            return extra
    return _text(entry, "AddtlNtryInf")


def _external_id(entry, details):
    candidates = [_text(entry, "AcctSvcrRef")]
    if details is not None:
        candidates += [_text(details, "Refs/AcctSvcrRef"), _text(details, "Refs/EndToEndId"),
                       _text(details, "Refs/TxId")]
    candidates.append(_text(entry, "NtryRef"))
    return next((value for value in candidates if value and value.upper() != "NOTPROVIDED"), None)


def _entry(entry, where, currency):
    amount, entry_currency = _signed(entry, where)
    status = _text(entry, "Sts") or _text(entry, "Sts/Cd")
    when = _day(entry, "BookgDt", where) or _day(entry, "ValDt", where)
    if when is None:
        raise ParseError("The entry has no booking date (BookgDt) or value date (ValDt).", element=where)
    all_details = entry.findall("NtryDtls/TxDtls")
    details = all_details[0] if len(all_details) == 1 else None
    payee = None
    if details is not None:
        payee = _party(details, "Dbtr" if amount > 0 else "Cdtr")
    description = _remittance(entry, details)
    if len(all_details) > 1 and not description:
        description = f"{len(all_details)} transactions booked together"
    return ParsedRow(date=when, amount=amount, payee=payee, description=description,
                     external_id=_external_id(entry, details),
                     currency=entry_currency if entry_currency and entry_currency != currency else None,
                     status="pending" if status == "PDNG" else "posted")


def _balance(statement, codes, where):
    for index, node in enumerate(statement.findall("Bal"), 1):
        code = _text(node, "Tp/CdOrPrtry/Cd")
        if code in codes:
            place = f"{where}/Bal[{index}]"
            amount, currency = _signed(node, place)
            return Balance(amount=amount, date=_day(node, "Dt", place), currency=currency)
    return None


def _account(statement):
    account = statement.find("Acct")
    iban = _text(account, "Id/IBAN")
    return AccountInfo(number=iban or _text(account, "Id/Othr/Id"), iban=iban,
                       bank_id=_text(account, "Svcr/FinInstnId/BIC") or _text(account, "Svcr/FinInstnId/BICFI"),
                       type=_text(account, "Tp/Cd"), kind="bank", currency=_text(account, "Ccy"),
                       name=_text(account, "Nm"))


def parse(data, options):
    try:
        root = _strip(fromstring(data))
    except DefusedXmlException:
        raise ParseError("The XML declares entities or a DTD, which are not accepted in a bank statement.") from None
    except XmlError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        raise ParseError(f"The XML cannot be read ({error}); it may be truncated.", line=line) from None
    namespace = _VERSION.search(data[:2000].decode("utf-8", "replace"))
    if namespace and namespace.group(1) != "053":
        raise ParseError(f"This is a camt.{namespace.group(1)} document; only camt.053 bank statements "
                         "can be imported.")
    message = root.find("BkToCstmrStmt")
    if message is None:
        raise ParseError("The XML is not a camt.053 bank statement (no BkToCstmrStmt).", element=root.tag)
    statements = message.findall("Stmt")
    if not statements:
        raise ParseError("The camt.053 document holds no statement (Stmt): nothing to import.",
                         element="BkToCstmrStmt")
    rows, accounts, warnings = [], [], []
    opening = closing = None
    for number, statement in enumerate(statements, 1):
        where = f"Stmt[{number}]"
        account = _account(statement)
        opening_here = _balance(statement, OPENING, where)
        closing_here = _balance(statement, CLOSING, where)
        currency = account.currency or (opening_here.currency if opening_here else None)
        if currency and not account.currency:
            account = replace(account, currency=currency)
        if account not in accounts:
            accounts.append(account)
        opening = opening or opening_here
        closing = closing_here or closing
        for index, entry in enumerate(statement.findall("Ntry"), 1):
            place = f"{where}/Ntry[{index}]"
            if (_text(entry, "Sts") or _text(entry, "Sts/Cd")) == "INFO":
                continue  # information only, not booked
            if len(rows) >= options.max_rows:
                raise ParseError(f"The file has more than {options.max_rows} rows.", element=place)
            row = _entry(entry, place, currency)
            rows.append(replace(row, account=account.number) if len(statements) > 1 else row)
    main = accounts[0]
    for balance, name in ((opening, "opening"), (closing, "closing")):
        if balance and main.currency and balance.currency and balance.currency != main.currency:
            warnings.append(f"The {name} balance is in {balance.currency}, the account in {main.currency}.")
    if len(accounts) > 1:
        warnings.append(f"The file holds statements of {len(accounts)} accounts.")
    dates = [row.date for row in rows]
    return ParsedStatement(format="camt053", rows=tuple(rows), account=main, accounts=tuple(accounts),
                           currency=main.currency, balance=closing, opening_balance=opening,
                           start_date=min(dates, default=None), end_date=max(dates, default=None),
                           warnings=tuple(warnings))
