"""JSON in and out with exact decimals, and no document nested deeper than MAX_DEPTH.

Flask's default provider writes Decimal as a string and reads floats as binary
floats. Money must stay exact both ways, so requests are parsed with floats as
Decimal and responses write Decimal as a JSON number with its exact digits.

No document SpendSense reads nests deeper than a few levels, and a parser that recurses
per level runs out of stack on "[[[[..." (RecursionError, a 500 before this check), so
every JSON text read here (request bodies, imported files) is refused past MAX_DEPTH.
"""

import re
from itertools import accumulate

import simplejson
from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 64
TOO_DEEP = f"The JSON document is nested more than {MAX_DEPTH} levels deep."

_STRING_RE = re.compile(r'"[^"]*"')
_NOT_BRACKETS_RE = re.compile(r"[^\[\]{}]+")
# What a well-formed JSON text holds outside its strings, brackets aside.
_TOKENS = dict.fromkeys(map(ord, " \t\r\n,:+-.0123456789eEtrufalsn"))
_INNERMOST_RE = re.compile(r"\[\]|\{\}")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class TooDeep(ValueError):
    """A JSON document nested past MAX_DEPTH (a ValueError, as a malformed one is)."""

    def __init__(self):
        super().__init__(TOO_DEEP)


def check_depth(text):
    """Refuse ``text`` when its brackets nest past MAX_DEPTH (TooDeep), without recursion
    and in C-speed passes: strings are cut out (escaped characters first), every other
    character but a bracket dropped, then each round removes one level of innermost
    pairs. A 10 MB body costs about half a second, a quarter of its parse."""
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    if len(text) <= MAX_DEPTH:  # cannot nest deeper than it is long
        return
    text = _STRING_RE.sub("", text.replace("\\\\", "").replace('\\"', ""))
    brackets = text.translate(_TOKENS)
    if _NOT_BRACKETS_RE.search(brackets):  # what no JSON text holds: keep only the brackets
        brackets = _NOT_BRACKETS_RE.sub("", brackets)
    for _level in range(MAX_DEPTH):
        if not brackets:
            return
        inner = _INNERMOST_RE.sub("", brackets)
        if inner == brackets:  # malformed: the parser says how, unless it would recurse too deep
            if max(accumulate(map(_STEP.__getitem__, brackets))) <= MAX_DEPTH:
                return
            raise TooDeep
        brackets = inner
    if brackets:
        raise TooDeep


def loads(text, **kwargs):
    """simplejson.loads with Decimal numbers, after check_depth."""
    check_depth(text)
    kwargs.setdefault("use_decimal", True)
    return simplejson.loads(text, **kwargs)


class DecimalJSONProvider(DefaultJSONProvider):
    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj, **kwargs):
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return simplejson.dumps(obj, use_decimal=True, **kwargs)

    def loads(self, s, **kwargs):
        return loads(s, **kwargs)
