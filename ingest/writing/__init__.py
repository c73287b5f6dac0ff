"""Writing: ingesting articles into a store, in process or in workers, within a budget; re-extraction."""
