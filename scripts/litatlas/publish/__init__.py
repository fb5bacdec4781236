"""Publishing: the MkDocs adapter, the Pagefind index, and Markdown written to disk."""
