"""Reading: files and request bodies to clean article text (decoding, markup, boilerplate, token runs)."""
