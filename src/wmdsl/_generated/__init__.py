"""Code generated from the project's sources: written by ``python -m wmdsl.generate``, never by hand.

Each module records the fingerprint of what it was made from; a test fails
when one is stale (see :mod:`wmdsl.generate`).
"""
