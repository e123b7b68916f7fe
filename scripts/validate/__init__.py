"""Validation: frictionless plus the project's rules, every problem as file:line:field.

``python -m scripts.validate`` runs the command line in ``command.py``.
"""
