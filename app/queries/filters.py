"""证书查询 conditions. Pure: parsing, validation and the invoice-number normalisation."""
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from app.certificates.invoice import normalise_invoice
from app.web.params import page_arg

SORTS = {"new": "最新在前", "old": "最早在前", "cert_no": "证书号", "application_date": "申请日期",
         "updated": "更新时间"}


@dataclass
class Conditions:
    cert_no: str = ""
    cert_type: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    destination: str = ""
    invoice: str = ""
    goods: str = ""
    creator: str = ""
    creator_exact: bool = False  # 创建人 typed in quotes ("demo_clerk"): that username only, not a substring
    sort: str = "new"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return any((self.cert_no, self.cert_type, self.status, self.date_from, self.date_to, self.destination,
                    self.invoice, self.goods, self.creator))


def _date(text: str, name: str, errors: dict) -> date | None:
    text = unicodedata.normalize("NFKC", text or "").strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "日期格式应为 2026-11-27"
        return None


QUOTES = ('"', "“", "”", "'")


def _creator(text: str) -> tuple[str, bool]:
    """创建人 in quotes ("wang" or “wang”) asks for exactly that username; else any name containing the text."""
    if len(text) > 2 and text[0] in QUOTES and text[-1] in QUOTES:
        return text[1:-1].strip(), True
    return text, False


def parse(args, types: set[str], statuses: set[str]) -> Conditions:
    """Conditions from the query string; bad values are reported per field and ignored, never raised."""
    errors: dict[str, str] = {}
    text = lambda name, limit=60: unicodedata.normalize("NFKC", args.get(name, "") or "").strip()[:limit]  # noqa: E731
    cert_type = args.get("cert_type", "")
    status = args.get("status", "")
    c = Conditions(cert_no=text("cert_no").upper().replace(" ", ""), cert_type=cert_type if cert_type in types else "",
                   status=status if status in statuses else "",
                   date_from=_date(args.get("date_from", ""), "date_from", errors),
                   date_to=_date(args.get("date_to", ""), "date_to", errors),
                   destination=text("destination", 40), invoice=normalise_invoice(args.get("invoice", ""))[:60],
                   goods=text("goods", 60), creator=text("creator", 40),
                   sort=args.get("sort", "new") if args.get("sort", "new") in SORTS else "new", errors=errors)
    c.page = page_arg(args)
    c.creator, c.creator_exact = _creator(c.creator)
    if c.date_from and c.date_to and c.date_from > c.date_to:
        errors["date_to"] = "结束日期不能早于开始日期"
    return c
