"""Predictions: conversion probability, propensity per service, churn, CLV and a forecast,
each learned from the project's own history and activated only when it beats a baseline."""
