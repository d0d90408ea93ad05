"""`iraqsec schema`: the JSON Schema of a ledger file."""

from __future__ import annotations

import click

from iraqsec.writing.schema import schema_text


@click.command()
@click.option("--places", is_flag=True, help="The schema of places.yaml instead.")
def schema(places: bool) -> None:
    """Print the JSON Schema (draft 2020-12) of a ledger file (record format
    version 2), or with --places of a places.yaml file.

    Editors validate and complete records with it; the copies kept in the
    repository are made with 'iraqsec schema > schema/incidents.schema.json'
    and 'iraqsec schema --places > schema/places.schema.json'."""
    click.echo(schema_text(places), nl=False)
