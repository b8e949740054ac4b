"""brief: a static site generator for annotated news briefs."""

__version__ = "0.2.0"
