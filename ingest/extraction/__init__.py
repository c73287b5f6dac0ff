"""Extraction: components, events and causal links from a parsed article, and the Extraction record."""
