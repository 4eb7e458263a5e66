"""Tests of the AI providers against local stub servers."""
