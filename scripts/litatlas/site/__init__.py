"""The site in memory: routes, the shared site context, templates and one module per page family."""
