"""care layer."""
