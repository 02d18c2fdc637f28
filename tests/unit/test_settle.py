"""Settle-up plans: every balance ends at zero, never more than n-1 transfers, and the
exact minimum (checked against a brute force over all zero-sum partitions) up to the
exact limit. Also: bill splits add up to the bill and balances to zero."""

from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spendsense.services.bills import settle
from spendsense.services.bills import splits as bill_shares


def zero_sum(values):
    """Close a list of balances with one more member, so the whole sums to zero."""
    return [*values, -sum(values)]


balances_strategy = st.lists(st.integers(-10**6, 10**6), min_size=0, max_size=24).map(zero_sum)


def apply(plan, balances):
    left = dict(balances)
    for transfer in plan:
        assert transfer.amount > 0
        assert transfer.ower != transfer.receiver
        left[transfer.ower] += transfer.amount
        left[transfer.receiver] -= transfer.amount
    return left


def brute_force_minimum(values):
    """n - (largest number of blocks of a partition into zero-sum blocks), by trying
    every partition (values are the non-zero balances)."""
    values = list(values)
    if not values:
        return 0

    def most_blocks(items):
        if not items:
            return 0
        first, rest = items[0], items[1:]
        best = 0
        for size in range(len(rest) + 1):
            for others in combinations(range(len(rest)), size):
                if first + sum(rest[i] for i in others) == 0:
                    remaining = [rest[i] for i in range(len(rest)) if i not in others]
                    best = max(best, 1 + most_blocks(remaining))
        return best

    return len(values) - most_blocks(values)


@given(balances_strategy)
@settings(max_examples=300, deadline=None)
def test_plan_clears_every_balance_within_n_minus_1(values):
    balances = dict(enumerate(values))
    plan = settle.settle(balances)
    assert all(value == 0 for value in apply(plan, balances).values())
    nonzero = sum(1 for value in values if value)
    assert len(plan) <= max(nonzero - 1, 0)


@given(st.lists(st.integers(-50, 50), min_size=0, max_size=7).map(zero_sum))
@settings(max_examples=300, deadline=None)
def test_plan_is_the_brute_force_minimum_on_small_groups(values):
    balances = dict(enumerate(values))
    plan = settle.settle(balances)
    assert len(plan) == brute_force_minimum([v for v in values if v])


@given(st.lists(st.sampled_from([-300, -200, -100, 100, 200, 300]), min_size=8, max_size=14).map(zero_sum))
@settings(max_examples=40, deadline=None)
def test_plan_is_minimal_with_many_small_zero_sum_groups(values):
    balances = dict(enumerate(values))
    nonzero = [v for v in values if v]
    if len(nonzero) > settle.EXACT_LIMIT:
        return
    plan = settle.settle(balances)
    groups = settle.zero_sum_groups(nonzero)
    assert len(plan) == len(nonzero) - len(groups)
    assert all(sum(nonzero[i] for i in group) == 0 for group in groups)
    # Pairs of opposite balances are always found as their own groups.
    pairs = sum(min(nonzero.count(v), nonzero.count(-v)) for v in {abs(v) for v in nonzero})
    assert len(groups) >= pairs


def test_examples():
    assert settle.settle({}) == []
    assert settle.settle({1: 0, 2: 0}) == []
    assert settle.settle({"a": 500, "b": -500}) == [settle.Transfer("b", "a", 500)]
    plan = settle.settle({1: 10, 2: 20, 3: -10, 4: -20})
    assert sorted((t.ower, t.receiver, t.amount) for t in plan) == [(3, 1, 10), (4, 2, 20)]


def test_exact_on_fifteen_members_is_fast_enough():
    values = zero_sum([7 * (-1) ** i * (i + 1) for i in range(14)])
    plan = settle.settle(dict(enumerate(values)))
    assert all(v == 0 for v in apply(plan, dict(enumerate(values))).values())


def test_greedy_beyond_the_exact_limit_pairs_opposites_first():
    values = {i: (i + 1) * 100 for i in range(10)} | {10 + i: -(i + 1) * 100 for i in range(10)}
    plan = settle.settle(values)
    assert len(plan) == 10  # the ten opposite pairs, not a chain of 19


def test_unbalanced_input_is_refused():
    with pytest.raises(ValueError, match="sum to zero"):
        settle.settle({1: 5, 2: -4})


@given(st.integers(-10**12, 10**12),
       st.dictionaries(st.integers(1, 50), st.integers(100, 10**6), min_size=1, max_size=12))
@settings(max_examples=300)
def test_split_adds_up_exactly_and_fairly(amount, weights):
    shares = bill_shares.split(amount, weights)
    assert set(shares) == set(weights)
    assert sum(shares.values()) == amount
    total = sum(weights.values())
    for member_id, share in shares.items():
        exact = amount * weights[member_id] / total
        assert abs(share - exact) < 1 + 1e-9 * abs(amount)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-10**6, 10**6), st.sets(st.integers(0, 5), min_size=1),
                          st.booleans()), max_size=40),
       st.dictionaries(st.integers(0, 5), st.integers(100, 5000), min_size=6, max_size=6))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_balances_of_random_bills_sum_to_zero_and_settle(bills, weights):
    """The same arithmetic the services run (split, then paid/owed sums), on random bills."""
    balance = dict.fromkeys(range(6), 0)
    for payer, amount, owers, _reimbursement in bills:
        balance[payer] += amount
        for member_id, share in bill_shares.split(amount, {o: weights[o] for o in owers}).items():
            balance[member_id] -= share
    assert sum(balance.values()) == 0
    plan = settle.settle(balance)
    assert all(v == 0 for v in apply(plan, balance).values())
    assert len(plan) == brute_force_minimum([v for v in balance.values() if v])
