"""Categories (a tree: ``children``) and category rules, and the bodies that make and
change them.

SpendSense categories also have a kind (spent or earn: an expense category takes only
money out, an income one only money in) and an icon (one emoji), which PocketSmith
does not know: a body may send ``kind`` and ``icon``; without them a new category
takes its parent's kind (else spent) and a plain label icon. The services check the
rules (unique names per kind, a parent of the same kind and not inside the category,
the colour's form).
"""

from typing import Annotated, Literal

from pydantic import Field

from spendsense.api.v2.fields import Body, Out, Timestamp
from spendsense.api.v2.schemas.accounts import IdIn, Title

RefundBehaviour = Literal["debits_are_deductions", "credits_are_refunds"]
Kind = Literal["spent", "earn"]
RuleMatch = Literal["contains", "starts_with", "exact"]


class Category(Out):
    id: int
    title: str
    colour: str | None = None
    children: list["Category"] = []
    parent_id: int | None = None
    is_transfer: bool
    is_bill: bool
    roll_up: bool
    refund_behaviour: RefundBehaviour | None = None
    created_at: Timestamp
    updated_at: Timestamp


class CategoryRule(Out):
    id: int
    category: Category
    payee_matches: str
    created_at: Timestamp
    updated_at: Timestamp


Colour = Annotated[str, Field(description="A CSS-style hex colour, #rrggbb.",
                              json_schema_extra={"pattern": "^#[0-9a-fA-F]{6}$", "examples": ["#e0e7ff"]})]
Icon = Annotated[str, Field(max_length=32, description="SpendSense only: the category's icon, one emoji.",
                            examples=["🛒"])]


class CategoryNew(Body):
    title: Title
    colour: Colour | None = None
    parent_id: IdIn | None = None
    is_transfer: bool = False
    is_bill: bool = False
    roll_up: bool = False
    refund_behaviour: RefundBehaviour | None = None
    kind: Kind | None = Field(None, description="SpendSense only: spent (an expense category, the default "
                                                "unless the parent is an income one) or earn (income).")
    icon: Icon | None = None


class CategoryChange(Body):
    """``parent_id`` null moves the category to the top level; ``colour`` and
    ``refund_behaviour`` null clear them. A category's kind does not change."""

    title: Title | None = None
    colour: Colour | None = None
    parent_id: IdIn | None = None
    is_transfer: bool | None = None
    is_bill: bool | None = None
    roll_up: bool | None = None
    refund_behaviour: RefundBehaviour | None = None
    icon: Icon | None = None


class CategoryRuleNew(Body):
    """The rule's category is the one in the path (the spec's ``category_id`` in the
    body is not read). A new rule is tried after the ledger's other rules."""

    payee_matches: Annotated[str, Field(max_length=200, description="The text a payee must contain, ignoring case.",
                                        examples=["Countdown"])]
    apply_to_uncategorised: bool = Field(False, description="Also file the uncategorised transactions the rule "
                                                            "matches now.")
    apply_to_all: bool = Field(False, description="Also file every transaction the rule matches now, re-filing "
                                                  "categorised ones.")
    match: RuleMatch = Field("contains", description="SpendSense only: how the pattern meets a payee, ignoring "
                                                     "case: contains (the default), starts_with or exact.")
