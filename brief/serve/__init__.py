"""`brief serve`: a preview server that rebuilds on change and reloads open pages."""
