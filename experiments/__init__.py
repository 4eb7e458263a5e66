"""Experiments: A/B and multivariate tests measured on pipeline, and feature flags."""
