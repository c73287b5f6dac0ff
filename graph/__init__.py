"""Graph schema and stores: no spaCy, no Flask."""
