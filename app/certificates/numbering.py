"""Certificate numbers (术语定义 新证): type code + 2-digit year + 产地证备案号 + 4-character serial.

The serial counts from 1 per (enterprise, type, year, prefix); with an n-character 证书号序列自定义前缀
the serial is the prefix followed by a (4 − n)-digit counter. Pure formatting here; allocation is in
services (one counter row per key, incremented inside the saving transaction).
"""
import re

SERIAL_LENGTH = 4
CERT_NO_RE = re.compile(r"^[A-Z0-9]{1,20}$")
SERIAL_RE = re.compile(rf"^[A-Z0-9]{{{SERIAL_LENGTH}}}$")


class SerialExhausted(Exception):
    """Every serial of this prefix is used for this year."""


def capacity(prefix: str) -> int:
    """How many serials a prefix leaves room for (counter 1 … 10^(4−n) − 1)."""
    return 10 ** (SERIAL_LENGTH - len(prefix)) - 1


def serial(prefix: str, counter: int) -> str:
    """`prefix` + zero-padded counter, 4 characters in all."""
    digits = SERIAL_LENGTH - len(prefix)
    if counter < 1 or counter > capacity(prefix):
        raise SerialExhausted(f"serial {counter} does not fit after prefix {prefix!r}")
    return f"{prefix}{counter:0{digits}d}"


def cert_no(cert_type: str, year: int, co_reg_no: str, prefix: str, counter: int) -> str:
    return f"{cert_type}{year % 100:02d}{co_reg_no}{serial(prefix, counter)}"


def normalise(typed: str) -> str:
    return re.sub(r"\s", "", typed or "").upper()


def check_cert_no(typed: str) -> str | None:
    """Format check of an edited number (uniqueness is checked against the database)."""
    if not CERT_NO_RE.match(normalise(typed)):
        return "证书号只能由字母和数字组成，最多 20 位"
    return None


def check_edited(typed: str, current: str) -> str | None:
    """An edited number keeps 类型 + 年份 + 产地证备案号 of the number it had; only the serial may change.

    So no enterprise can hold a number of another's 备案号 (number squatting), nor turn a certificate into
    another type by its number.
    """
    problem = check_cert_no(typed)
    if problem:
        return problem
    new, head = normalise(typed), current[:-SERIAL_LENGTH]
    if not (len(new) == len(current) and new.startswith(head) and SERIAL_RE.match(new[len(head):])):
        return f"证书号只能修改最后 {SERIAL_LENGTH} 位流水号：应为 {head} 加 {SERIAL_LENGTH} 位字母或数字"
    return None
