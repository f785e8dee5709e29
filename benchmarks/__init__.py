"""Benchmarks that print numbers (`make bench`)."""
