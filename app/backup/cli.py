"""`flask backup create` / `flask backup restore`."""
import click

backup_cli = click.Group("backup", help="备份与恢复（数据库与实例密钥）")
