"""Benchmarks of Kyodo's pages: `make bench` (see bench/README.md). They print figures;
they are not tests and never fail on a slow machine."""
