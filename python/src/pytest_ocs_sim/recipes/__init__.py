"""Recipes: drop-in replacements for existing crossbar-in-docker test setups."""
