"""Build tools for the mental-health day opportunities open-data site.

Each module is importable without side effects; the ones with a ``main()`` run as
``python -m scripts.<name>``.
"""
