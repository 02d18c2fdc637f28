"""Categories (a tree: ``children``) and category rules."""

from typing import Literal

from spendsense.api.v2.fields import Out, Timestamp

RefundBehaviour = Literal["debits_are_deductions", "credits_are_refunds"]


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
