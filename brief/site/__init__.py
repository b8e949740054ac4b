"""The site model: pure functions from briefs to taxonomies, timeline and relations."""
