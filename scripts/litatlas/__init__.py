"""litatlas: turn curated YAML paper records into a searchable static literature site."""

__version__ = "0.1.0"
