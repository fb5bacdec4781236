"""One module per page family; each `build(ctx)` returns {docs-relative path: content} from the shared context."""
