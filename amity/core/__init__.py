"""Shared infrastructure the apps build on: progress, bulk writing, JSON output, schedule."""
