"""Contributor and maintainer tools: new, import, fetch, init, stats and the link check."""
