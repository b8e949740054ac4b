"""Briefs on disk, read into the model."""
