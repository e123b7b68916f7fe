"""The data catalogue: dataset pages and files, metadata, feeds and released versions."""
