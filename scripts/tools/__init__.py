"""Tools for the maintainers, never part of the build: the benchmark and the synthetic data it builds from."""
