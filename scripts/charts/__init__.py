"""Charts: the registry of chart definitions and their rendering."""
