"""v2 categories routes (being written)."""
