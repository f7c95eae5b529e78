"""Command modules of the ``lupus`` command; each defines ``register(app)``."""
