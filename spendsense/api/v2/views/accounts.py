"""v2 accounts routes (being written)."""
