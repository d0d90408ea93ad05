"""Writing ledgers and files: the record writer, fmt, output paths, add, the JSON Schema."""
