"""Create or drop a PostgreSQL database (CI): python scripts/pgdb.py create|drop ADMIN_URL NAME."""
import re
import sys

import psycopg


def main(action: str, admin_url: str, name: str) -> None:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"unsafe database name: {name}")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if action == "create":
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        elif action == "drop":
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            raise SystemExit("usage: pgdb.py create|drop ADMIN_URL NAME")


if __name__ == "__main__":
    main(*sys.argv[1:4])
