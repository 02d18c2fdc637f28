"""Bill amounts typed as arithmetic: ``12.5+3*2``, ``(30-4,5)/3``.

ihatemoney lets people type a small calculation where a bill's amount goes. This is a
tiny recursive-descent parser over Decimal, never ``eval`` and not Python's ``ast``
either (which reads ``12.5`` as a binary float and accepts ``1e999``, ``0x10`` or
``1_0``). Comma is a decimal separator, ``**`` is refused, input is at most 200
characters. A plain number keeps the strict rules of ``money.parse_amount`` (more
decimals than the currency has is an error); a calculation is rounded half-even to the
currency's minor unit, because ``10/3`` has no exact answer.
"""

import re
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext

from spendsense import money

MAX_LENGTH = 200
MAX_DEPTH = 40
NOT_VALID = "Not a valid amount or expression."
DIVISION_BY_ZERO = "Division by zero."
NO_POWERS = "Powers (**) are not allowed in an amount."
TOO_LONG = f"An amount can be at most {MAX_LENGTH} characters."
UNPARSEABLE_MESSAGES = (NOT_VALID, DIVISION_BY_ZERO, NO_POWERS, TOO_LONG)
# ASCII digits only: \d would also read Arabic-Indic or full-width digits.
_TOKEN = re.compile(r"\s*(?:([0-9]+(?:\.[0-9]*)?|\.[0-9]+)|(.))")
_PLAIN = re.compile(r"^\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*$")


class AmountError(ValueError):
    """The text is not a usable amount; the message says why."""


class Unparseable(AmountError):
    """Not a number nor a calculation this parser understands."""


def _tokens(expression):
    tokens = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:  # only trailing white space is left
            break
        number, symbol = match.groups()
        if number is not None:
            tokens.append(Decimal(number))
        elif symbol in "+-*/()":
            tokens.append(symbol)
        elif not symbol.isspace():
            raise Unparseable(NOT_VALID)
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.position += 1
        return token

    def expression(self):
        value = self.term()
        while self.peek() in ("+", "-"):
            value = value + self.term() if self.take() == "+" else value - self.term()
        return value

    def term(self):
        value = self.factor()
        while self.peek() in ("*", "/"):
            if self.take() == "*":
                value = value * self.factor()
            else:
                divisor = self.factor()
                if divisor == 0:
                    raise Unparseable(DIVISION_BY_ZERO)
                value = value / divisor
        return value

    def factor(self):
        token = self.take()
        if token in ("+", "-"):
            self._enter()
            value = self.factor()
            self.depth -= 1
            return value if token == "+" else -value
        if token == "(":
            self._enter()
            value = self.expression()
            if self.take() != ")":
                raise Unparseable(NOT_VALID)
            self.depth -= 1
            return value
        if isinstance(token, Decimal):
            return token
        raise Unparseable(NOT_VALID)

    def _enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unparseable(NOT_VALID)


def evaluate(expression):
    """The exact value of the calculation (not rounded), or Unparseable."""
    if isinstance(expression, bool) or expression is None:
        raise Unparseable(NOT_VALID)
    if isinstance(expression, (int, Decimal)):
        return Decimal(expression)
    text = str(expression)
    if len(text) > MAX_LENGTH:
        raise Unparseable(TOO_LONG)
    if "**" in text:
        raise Unparseable(NO_POWERS)
    text = text.replace(",", ".")
    # 60 significant digits: far beyond any amount, so only a division rounds.
    with localcontext() as context:
        context.prec = 60
        context.traps[InvalidOperation] = True
        context.traps[DivisionByZero] = True
        try:
            parser = _Parser(_tokens(text))
            if not parser.tokens:
                raise Unparseable(NOT_VALID)
            value = parser.expression()
        except (InvalidOperation, ArithmeticError) as exc:
            raise Unparseable(NOT_VALID) from exc
        if parser.position != len(parser.tokens):
            raise Unparseable(NOT_VALID)
        return +value


def parse(expression, places):
    """The amount, exact with ``places`` decimals: a plain number must already fit,
    a calculation is rounded half-even. AmountError says what is wrong."""
    value = evaluate(expression)
    if value.adjusted() >= 18 or abs(value.scaleb(places)) > money.MAX_MINOR:
        raise AmountError("Amount is too large.")
    unit = Decimal(1).scaleb(-places)
    plain = isinstance(expression, (int, Decimal)) or bool(_PLAIN.match(str(expression).replace(",", ".")))
    rounded = value.quantize(unit, rounding="ROUND_HALF_EVEN")
    if plain and rounded != value:
        raise AmountError(f"Amount has more decimals than the currency allows ({places}).")
    return rounded
