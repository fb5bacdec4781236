"""Loading an atlas: YAML with line numbers, the project settings, the configuration, checked records."""
