"""Benchmarks: each module has ``main(argv)`` printing a table with ratios to a reference run in-process."""
