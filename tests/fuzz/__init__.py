"""Fuzz targets: random and mutated input must end in a result or a refusal in words.

Run with the suite (a small, reproducible number of inputs per target), or at length
with ``python -m tests.fuzz`` (see ``__main__.py``).
"""
