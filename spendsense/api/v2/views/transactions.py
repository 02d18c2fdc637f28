"""v2 transactions routes (being written)."""
