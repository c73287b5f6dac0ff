"""Claims: explicit assertions (root cause, first symptom, times) and the contradictions between them."""
