"""Handwriting and tremor measured: stroke/motion formats, features, baseline comparison, SVG."""
