"""flask refdata load: bring the code tables up to the shipped data (idempotent)."""
import click
from flask.cli import AppGroup

from app.extensions import db

from .loaders import LOADERS
from .services import load_tables

refdata_cli = AppGroup("refdata", help="参数表")


@refdata_cli.command("load")
@click.option("--table", "tables", multiple=True, type=click.Choice(sorted(LOADERS)), help="只加载指定的表")
def load(tables):
    """Load or update every code table; entries edited on 参数表 are kept."""
    result = load_tables(list(tables) or None)
    db.session.commit()
    for table, counts in result.items():
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        click.echo(f"{table:<17} {parts}")
