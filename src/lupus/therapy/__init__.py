"""therapy layer."""
