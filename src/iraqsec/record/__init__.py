"""The record: vocabularies, the pydantic model, findings and the rules that produce them."""
