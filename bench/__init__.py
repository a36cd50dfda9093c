"""Benchmarks: each module has ``main(argv)`` that prints a table with ratios to a reference run in the same process."""
