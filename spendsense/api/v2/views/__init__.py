"""v2 routes by resource; each module registers its operations on import."""
