"""`make bench`: throughput, alert latency, due-work sweep and PWA figures in one run."""
