"""Robustness tests: faults, abuse, bad input, privacy and audit integrity."""
