"""The figures pages quote and the resolvers of every ``{kind name}`` reference.

``named.py`` declares the figures (``{figure NAME}``), ``official.py`` works figures out from the
official series, ``compendium.py`` reads the council figures compendium (``{compare MEASURE}``), and
``resolvers.py`` turns each kind of reference into trusted HTML.
"""
