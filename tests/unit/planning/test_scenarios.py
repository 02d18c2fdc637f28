"""Scenarios: the primary one per account, the default one of a ledger, extra ones."""



from spendsense.services.planning import scenarios


def test_primary_for_returns_the_accounts_primary_scenario(ledger, account):
    primary = scenarios.primary_for(ledger, account)
    assert primary.is_primary and primary.account_id == account and primary.title == "Current"
    assert scenarios.primary_for(ledger, account).id == primary.id
