"""Language: the spaCy pipeline and its incident components, built once per process."""
