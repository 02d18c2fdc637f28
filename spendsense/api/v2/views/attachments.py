"""v2 attachments routes (being written)."""
