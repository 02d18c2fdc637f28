"""Who pays whom, in the fewest transfers.

The balances (integer minor units, summing to zero) are split into as many groups as
possible whose balances each sum to zero; a group of m people settles in m-1 transfers
and cannot do with fewer, so with k groups the plan has n-k transfers, the minimum.
Finding the largest such partition is NP-hard, so it is exact (a DP over subsets,
2^n states) up to EXACT_LIMIT people with a non-zero balance, and beyond that a
greedy plan: exact opposite pairs first, then the largest debtor pays the largest
creditor, which zeroes at least one person per transfer (at most n-1 transfers).
Pure functions of plain ints: no database, no Decimal, no floats.
"""

from dataclasses import dataclass

EXACT_LIMIT = 15


@dataclass(frozen=True)
class Transfer:
    ower: object  # who pays (a member id, or anything hashable and sortable)
    receiver: object
    amount: int  # minor units, > 0


def _check(balances):
    if sum(balances.values()) != 0:
        raise ValueError("Balances must sum to zero.")


def settle(balances):
    """The transfers that bring every balance to zero (balance > 0: is owed money)."""
    _check(balances)
    people = sorted((key, value) for key, value in balances.items() if value != 0)
    if len(people) <= EXACT_LIMIT:
        groups = zero_sum_groups([value for _key, value in people])
        plan = []
        for group in groups:
            plan.extend(_greedy([people[index] for index in group]))
        return plan
    return _greedy_with_pairs(people)


def zero_sum_groups(values):
    """A partition of the indexes of ``values`` (non-zero, summing to zero) into the
    largest possible number of zero-sum groups, each as a sorted list of indexes.

    best[mask] is the largest number of zero-sum "prefixes" of some order of the members
    of mask; it is the largest zero-sum partition of mask when mask sums to zero.
    """
    count = len(values)
    if count == 0:
        return []
    full = (1 << count) - 1
    total = [0] * (full + 1)
    best = [0] * (full + 1)
    for mask in range(1, full + 1):
        low = mask & -mask
        total[mask] = total[mask ^ low] + values[low.bit_length() - 1]
        most = 0
        rest = mask
        while rest:
            bit = rest & -rest
            candidate = best[mask ^ bit]
            if candidate > most:
                most = candidate
            rest ^= bit
        best[mask] = most + (total[mask] == 0)
    return _unwind(values, total, best, full)


def _unwind(values, total, best, full):
    """Walk back from the full set, one member at a time, keeping the optimum; a group
    closes wherever the remaining set sums to zero."""
    groups = []
    current = []
    mask = full
    while mask:
        target = best[mask] - (total[mask] == 0)
        if total[mask] == 0 and current:
            groups.append(sorted(current))
            current = []
        rest = mask
        while rest:
            bit = rest & -rest
            if best[mask ^ bit] == target:
                break
            rest ^= bit
        current.append(bit.bit_length() - 1)
        mask ^= bit
    groups.append(sorted(current))
    return groups


def _greedy(people):
    """Largest debtor pays largest creditor until everyone is at zero (ties by key)."""
    debtors = {key: -value for key, value in people if value < 0}
    creditors = {key: value for key, value in people if value > 0}
    plan = []
    while debtors and creditors:
        ower = min(debtors, key=lambda key: (-debtors[key], key))
        receiver = min(creditors, key=lambda key: (-creditors[key], key))
        amount = min(debtors[ower], creditors[receiver])
        plan.append(Transfer(ower, receiver, amount))
        for side, key in ((debtors, ower), (creditors, receiver)):
            side[key] -= amount
            if side[key] == 0:
                del side[key]
    return plan


def _greedy_with_pairs(people):
    """Beyond the exact limit: settle exact opposite pairs directly, then greedy."""
    plan = []
    waiting = {}  # debt amount -> keys of debtors not yet paired
    for key, value in people:
        if value < 0:
            waiting.setdefault(-value, []).append(key)
    paired = set()
    for key, value in people:
        if value > 0 and waiting.get(value):
            ower = waiting[value].pop(0)
            plan.append(Transfer(ower, key, value))
            paired.update((ower, key))
    rest = [(key, value) for key, value in people if key not in paired]
    return plan + _greedy(rest)
