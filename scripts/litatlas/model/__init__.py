"""The data model: records, the atlas configuration, problems, errors and the one text toolkit."""
