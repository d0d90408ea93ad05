"""`iraqsec schema`: the JSON Schema of a ledger file."""

from __future__ import annotations

import click

from ..schema import schema_text


@click.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of a ledger file.

    Editors validate and complete records with it; the copy kept in the
    repository is made with 'iraqsec schema > schema/incidents.schema.json'."""
    click.echo(schema_text(), nl=False)
