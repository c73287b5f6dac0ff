"""Workflows: each job that spans layers (read articles, then link the model), in one place the API and the CLI call."""
