"""What a backup holds, described the same way whatever the database: the key tables' row counts, the schema
revision, and the encrypted values (app.crypto tokens) that only the instance keys open."""
from dataclasses import dataclass, field
from pathlib import Path

# The tables counted in every report, with the names the operator reads.
KEY_TABLES = (("enterprises", "企业"), ("users", "用户"), ("certificates", "证书"), ("certificate_items", "货物"),
              ("receipts", "回执"), ("authority_declarations", "签证机构申报"), ("code_entries", "参数表条目"))
# A row in any of these means the database is in use: a restore onto it would replace real work.
DATA_TABLES = ("enterprises", "users", "certificates", "authority_declarations")

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore step that cannot go on; the message (Chinese) says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Contents:
    revision: str | None = None  # alembic_version of the backed-up schema
    counts: dict[str, int] = field(default_factory=dict)  # KEY_TABLES present in the backup
    secrets: dict[str, list[str]] = field(default_factory=dict)  # "table.column" → its non-empty *_enc values

    def tokens(self) -> list[str]:
        return [token for values in self.secrets.values() for token in values]


def encrypted_columns() -> list[tuple[str, str]]:
    """(table, column) of every column holding an app.crypto token: by convention their names end in `_enc`."""
    from app.extensions import db

    return [(t.name, c.name) for t in db.metadata.sorted_tables for c in t.columns if c.name.endswith("_enc")]


def kind_of(path: Path) -> str:
    """"sqlite" or "postgresql", read from the file's first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} 不是可识别的备份文件（应为 SQLite 数据库文件，或 pg_dump --format=custom 的输出）")


def dialect_of(uri: str) -> str:
    if uri.startswith("sqlite"):
        return "sqlite"
    if uri.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"不支持备份这种数据库：{uri.split(':', 1)[0]}")


def counts_text(counts: dict[str, int]) -> str:
    return "，".join(f"{label} {counts[table]}" for table, label in KEY_TABLES if table in counts) or "（无）"


def size_text(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} 字节"


# The encrypted columns as the operator knows them; another one reads as table.column.
SECRET_LABELS = {"qualifications.platform_password_enc": "质检通讯平台密码", "users.totp_secret_enc": "双重认证密钥"}


def secrets_text(secrets: dict[str, list[str]]) -> str:
    """"质检通讯平台密码 1，双重认证密钥 2": the encrypted values found, per column."""
    return "，".join(f"{SECRET_LABELS.get(name, name)} {len(values)}" for name, values in secrets.items()) or "无"


def columns_text(columns) -> str:
    return "、".join(SECRET_LABELS.get(f"{table}.{column}", f"{table}.{column}") for table, column in columns)
