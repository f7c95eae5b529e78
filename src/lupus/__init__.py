"""lupus-immunotherapy: decision support for research and education on SLE immunotherapy.

This package is not a medical device. It scores validated instruments, encodes drug-label
rules with their sources, simulates virtual patients and runs a care service; every output
is to be read by a qualified clinician or researcher, never acted on alone.

Layers (imports flow one way, toward the domain core)::

    web / cli  ->  store / interop  ->  care  ->  simulation  ->  therapy  ->  clinical
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "Decision support for research and education only; not a medical device. "
    "Every result must be checked by a qualified clinician."
)

__all__ = ["DISCLAIMER", "__version__"]
