"""Imports of official statistics: the files as published (under ``raw/``) -> tidy tables under ``data/``.

Each import finds every number by its labels (a line code and name, a column's ``col X`` label or
header text), never by position, keeps a locator (file, line, column) with each value, checks the
arithmetic the publisher states, and stops with ``file:line: message`` when a label is missing,
ambiguous or contradicted by the arithmetic.
"""
