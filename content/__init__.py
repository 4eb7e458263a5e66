"""Wagtail pages, gated resources, knowledge-base chunks and recommendations."""
