"""From the site model to bytes: markdown, templates, the page plan, feeds."""
