"""Business rules, one package per domain (DESIGN.md): the only place rules live."""
