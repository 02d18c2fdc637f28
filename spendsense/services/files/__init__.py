"""Stored files: where their bytes live (storage), what they are (sniffing), their
image previews (thumbnails) and the signed links that serve them (links)."""
