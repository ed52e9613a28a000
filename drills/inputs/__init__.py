"""Reading what people write: YAML with positions, JSON Schemas, the checked result,
built-ins, lint, suggestions, durations, template placeholders, actions files."""
