"""Amounts of the quick-entry language (services/entry/parser.py).

    45  12.50  12,50           a comma or a dot before the last one or two digits is decimal
    1 234,56  1.234,56  1'234.50  1,234.50  grouped thousands, with the other mark for decimals
    45€  €45  $12.50  12,50 EUR  EUR 12  12eur   a symbol or an ISO code, glued or beside it
    +500  -12                  a sign says which way the money went

"1,234" and "1.234" could be either a thousand or a decimal: they are refused, unless
the currency has no decimals (JPY), rather than guessed.
"""

import re
from functools import cache

from spendsense import money
from spendsense.services.errors import Invalid

HOW = "Write it like “lunch 12.50 with jack #work”."
# A symbol names a currency; "$" and "¥" mean the account's own dollar or yen when it has one.
SYMBOLS = {
    "€": "EUR", "£": "GBP", "₴": "UAH", "₹": "INR", "₽": "RUB", "₩": "KRW", "₪": "ILS", "₺": "TRY",
    "₦": "NGN", "฿": "THB", "₫": "VND", "₱": "PHP", "zł": "PLN", "円": "JPY", "us$": "USD", "c$": "CAD",
    "a$": "AUD", "nz$": "NZD", "hk$": "HKD", "s$": "SGD", "r$": "BRL", "$": "USD", "¥": "JPY",
}
DOLLARS = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}
YENS = {"JPY", "CNY"}
_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
# A number with an optional sign and a currency symbol or three-letter code glued to it.
_AMOUNT_RE = re.compile(
    rf"^(?P<sign>[+-]?)(?P<pre>{_SYMBOL_RE}|[a-z]{{3}})?(?P<sign2>[+-]?)"
    rf"(?P<num>\d[\d.,']*\d|\d)(?P<post>{_SYMBOL_RE}|[a-z]{{3}})?$", re.IGNORECASE)
_GROUP_RE = re.compile(rf"^(?P<digits>\d{{3}}(?:[.,]\d+)?)(?P<post>{_SYMBOL_RE}|[a-z]{{3}})?$", re.IGNORECASE)


@cache
def _codes():
    return frozenset(money.currency_codes())


def _currency_word(text):
    """The ISO code a separate word names ("EUR", "€"), or None. Lower-case codes only
    count when glued to the number ("12eur"): "lunch 12 all" is not Albanian lek."""
    key = text.casefold()
    if key in SYMBOLS:
        return key
    if len(text) == 3 and text.isupper() and text in _codes():
        return text
    return None


def take_amount(tokens):
    """(token index, sign, currency word, number text) of the amount; marks its tokens."""
    candidates = []
    index = 0
    while index < len(tokens):
        candidate = None if tokens[index].used else _amount_at(tokens, index)
        if candidate is None:
            index += 1
            continue
        candidates.append(candidate)
        index = candidate["end"]
    if not candidates:
        raise Invalid.field("amount", f"No amount found. {HOW}")
    strong = [c for c in candidates if c["sign"] or c["currency"]]
    if len(strong) > 1:
        shown = " and ".join(f"“{c['shown']}”" for c in strong[:2])
        raise Invalid.field("amount", f"Two amounts in one line ({shown}): keep one.")
    chosen = strong[0] if strong else candidates[0]
    if chosen["error"]:
        raise Invalid.field("amount", chosen["error"])
    for token in tokens[chosen["start"]:chosen["end"]]:
        token.used = True
    return chosen["start"], chosen["sign"], chosen["currency"], chosen["number"]


def _amount_at(tokens, index):
    """The amount starting at ``index`` (sign, number, currency, the words they span), or None.
    A reading that is ambiguous carries an ``error``, raised only if that amount is chosen."""
    text = tokens[index].text.rstrip(".,;:!?")
    sign, start = "", index
    if text in ("+", "-") and index + 1 < len(tokens) and not tokens[index + 1].used:
        sign, index, text = text, index + 1, tokens[index + 1].text.rstrip(".,;:!?")
    match = _AMOUNT_RE.match(text)
    if match is None or (match["sign"] and (sign or match["sign2"])) or (sign and match["sign2"]):
        return None
    glued = [_glued_currency(part) for part in (match["pre"], match["post"]) if part]
    if None in glued or len(glued) > 1:
        return None
    sign = sign or match["sign"] or match["sign2"]
    currency = glued[0] if glued else None
    number, end = match["num"], index + 1
    # "1 234 567,89": the next words of three digits (the last may have decimals) are groups.
    if re.fullmatch(r"\d{1,3}", number) and not match["post"]:
        while end < len(tokens) and not tokens[end].used:
            group = _GROUP_RE.match(tokens[end].text.rstrip(".;:!?"))
            if group is None:
                break
            number, end = f"{number} {group['digits']}", end + 1
            if group["post"]:
                currency = currency or _glued_currency(group["post"])
            if group["post"] or "." in group["digits"] or "," in group["digits"]:
                break
    if currency is None and end < len(tokens) and not tokens[end].used:
        currency = _currency_word(tokens[end].text.rstrip(".,;:!?"))
        end += 1 if currency else 0
    if currency is None and start > 0 and not tokens[start - 1].used:
        currency = _currency_word(tokens[start - 1].text)
        start -= 1 if currency else 0
    error = None
    if " " in number and not re.search(r"[.,]\d+$", number) and currency is None:
        error = (f"“{number}” is ambiguous: write {number.replace(' ', '')}, "
                 "or give its currency (“1 234 EUR”).")
    return {"start": start, "end": end, "sign": sign, "currency": currency, "number": number,
            "shown": " ".join(token.text for token in tokens[start:end]), "error": error}


def _glued_currency(part):
    key = part.casefold()
    if key in SYMBOLS:
        return key
    code = part.upper()
    return code if code in _codes() else None


def currency_of(word, account, fallback):
    own = account.currency if account else fallback
    if word is None:
        return own
    if word == "$":
        return own if own in DOLLARS else "USD"
    if word == "¥":
        return own if own in YENS else "JPY"
    return SYMBOLS.get(word, word)


def number(text, currency):
    """The Decimal a typed number means, its separators read for ``currency``."""
    digits = text.replace(" ", "").replace("'", "")
    seps = [ch for ch in digits if ch in ".,"]
    if not seps:
        plain = digits
    elif len(set(seps)) == 2:
        decimal_mark = digits[max(digits.rfind("."), digits.rfind(","))]
        grouping = "," if decimal_mark == "." else "."
        whole, _, fraction = digits.rpartition(decimal_mark)
        plain = _ungroup(whole, grouping, text) + "." + fraction
    elif len(seps) > 1:
        plain = _ungroup(digits, seps[0], text)
    else:
        whole, _, fraction = digits.partition(seps[0])
        if len(fraction) == 3 and whole != "0" and (" " not in text and "'" not in text):
            places = money.exponent(currency)
            if places != 0:
                raise Invalid.field("amount", f"“{text}” is ambiguous: write {whole}{fraction} if you "
                                              f"mean thousands, or use at most {places} decimals.")
            plain = whole + fraction
        else:
            plain = whole + "." + fraction
    try:
        amount = money.parse_amount(plain, currency, allow_negative=False)
    except money.MoneyError as exc:
        raise Invalid.field("amount", str(exc)) from exc
    if amount == 0:
        raise Invalid.field("amount", "The amount must not be zero.")
    return amount


def _ungroup(whole, mark, shown):
    groups = whole.split(mark)
    if not (1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])):
        raise Invalid.field("amount", f"“{shown}” is not a number I can read. {HOW}")
    return "".join(groups)
