"""Explainable lead scoring: features, rule and learned models, score history, next-best
actions and hot-lead alerts."""
