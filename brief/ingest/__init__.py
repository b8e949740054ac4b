"""Raw articles → annotated briefs: read, clean, find metadata, annotate, write."""
