"""Payee cleaning for imported rows: what a bank prints, made readable.

Banks pad payees with card and terminal noise ("POS 4417 1234 SQ *BLUE BOTTLE COFFEE
OAKLAND CA"): the noise words and long reference numbers go, spaces fold, and shouted
names are set in title case. The original text is kept on the row (original_payee).
"""

import re

_NOISE = re.compile(r"^(?:(?:POS|CARD|DEBIT|CREDIT|VISA|MASTERCARD|MC|PURCHASE|PAYMENT|CONTACTLESS|"
                    r"SQ|SP|TST|PAYPAL|SEPA|LASTSCHRIFT|KARTENZAHLUNG|EC|DIRECT)\b\W*)+", re.IGNORECASE)
_REFERENCES = re.compile(r"(?:\b|#)\d[\d\-/]{3,}\b")  # card, terminal and reference numbers
_SPACES = re.compile(r"\s+")


def clean(payee):
    """The readable payee, or None for an empty one."""
    if not payee:
        return None
    text = _SPACES.sub(" ", payee).strip()
    stripped = _NOISE.sub("", text)
    stripped = _SPACES.sub(" ", _REFERENCES.sub(" ", stripped)).strip(" *-#/")
    text = stripped or text
    if text.isupper() and any(ch.isalpha() for ch in text):
        text = text.title()
    return text[:200] or None
