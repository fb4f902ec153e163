"""What the a11y crawl visits: every GET page of every role, the shell's tabs, and a few states a user
reaches by typing or clicking; how a visit is checked with axe-core and saved for the Nu checker."""
import json
import os
import pathlib
import re
from dataclasses import dataclass, field

from axe_playwright_python.base import AXE_SCRIPT

ANON = ("anonymous",)
LOGGED = ("clerk", "ent_admin", "officer", "sysadmin")
ENT = ("clerk", "ent_admin")
ADMIN = ("ent_admin",)
OFFICER = ("officer",)
SYSADMIN = ("sysadmin",)

ROLE_LABELS = {"anonymous": "匿名访客", "clerk": "企业操作员", "ent_admin": "企业管理员", "officer": "签证机构审核员",
               "sysadmin": "系统管理员"}
FAILING_IMPACTS = ("serious", "critical")

# One folder per database: CI runs the SQLite and the PostgreSQL suites side by side in one checkout.
_DB = "-postgresql" if (os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "").startswith(
    "postgres") else ""
HTML_DIR = pathlib.Path(f"test-artifacts/html{_DB}")
AXE_REPORT = pathlib.Path(f"test-artifacts/a11y-axe{_DB}.json")


@dataclass(frozen=True)
class Page:
    slug: str
    url: str | dict  # a template filled from the seeded data ({draft}, {issued} …); per role when a dict
    roles: tuple
    status: int = 200
    shows: str = ""  # a text the page must show, so a page emptied by a broken seed does not pass unseen

    def url_for(self, role: str) -> str:
        return self.url[role] if isinstance(self.url, dict) else self.url


# Every GET page. test_every_get_page_is_crawled matches these against the app's url_map.
PAGES = [
    Page("login", "/login", ANON),
    Page("verify", "/verify/{issued_no}?k={verify_token}", ANON, shows="{issued_no}"),
    Page("verify-wrong-token", "/verify/{issued_no}?k=0", ANON, 404, shows="未找到该证书"),
    Page("error-404", "/no-such-page", ANON + LOGGED, 404, shows="页面不存在"),
    Page("error-403", {"clerk": "/admin/settings", "ent_admin": "/admin/refdata", "officer": "/certificates",
                       "sysadmin": "/authority/desk"}, LOGGED, 403),
    Page("home", "/", LOGGED),
    Page("password", "/password", LOGGED),
    Page("two-factor", "/account/two-factor", LOGGED, shows="双重认证"),
    Page("sessions", "/account/sessions", LOGGED, shows="当前会话"),
    Page("lookup-search", "/lookup/country/search?q=JA", LOGGED, shows="日本"),
    Page("lookup-search-hs", "/lookup/hs/search?q=9603", ENT, shows="9603"),
    Page("lookup-detail", "/lookup/origin_criterion/detail?code=W&category=G", ENT, shows="加工标准"),
    # 企业: certificates
    Page("certificate-new", "/certificates/new", ENT),
    Page("certificate-new-form", "/certificates/new/C", ENT),
    Page("certificate-new-form-japan", "/certificates/new/G", ENT),
    Page("certificate-new-offers", "/certificates/new?destination=DE&on=2026-11-20", ENT, shows="普惠制原产地证"),
    Page("certificate-new-form-rcep", "/certificates/new/RC?destination=JP", ENT, shows="是否背对背原产地证书"),
    Page("certificate-new-form-declaration", "/certificates/new/VS", ENT, shows="申请人承诺"),
    Page("initial-values", "/initial-values", ENT),
    Page("certificate-draft", "/certificates/{draft}", ENT, shows="HAIR BRUSH"),
    Page("certificate-japan", "/certificates/{japan}", ENT, shows="POLYPROPYLENE RESIN"),
    Page("certificate-declared", "/certificates/{declared}", ENT, shows="待发送"),
    Page("certificate-issued", "/certificates/{issued}", ENT, shows="ISSUED"),
    Page("certificate-returned", "/certificates/{returned}", ENT, shows="发票日期与发票不符"),
    Page("certificate-change", "/certificates/{change}", ENT, shows="{issued_no}"),
    Page("certificate-reissue", "/certificates/{reissue}", ENT, shows="{issued_no}"),
    Page("certificate-delete", "/certificates/{draft}/delete", ENT),
    Page("goods-new", "/certificates/{draft}/goods/new", ENT),  # without htmx: the page with the editor open
    Page("goods-edit", "/certificates/{draft}/goods/{item}/edit", ENT),
    Page("material-edit", "/certificates/{japan}/materials/{material}/edit", ENT),
    Page("query", "/certificates", ENT, shows="{issued_no}"),
    Page("query-results", "/certificates?status=issued&invoice=INV-2026-004", ENT, shows="{issued_no}"),
    Page("query-none", "/certificates?invoice=NO-SUCH-INVOICE", ENT, shows="没有符合条件的证书"),
    Page("query-detail", "/certificates/{issued}/detail", ENT, shows="TOOTHBRUSH"),
    Page("query-detail-japan", "/certificates/{japan}/detail", ENT),
    Page("reissue-confirm", "/certificates/{issued}/reissue", ENT, shows="{issued_no}"),
    Page("print-dialog", "/certificates/{draft}/print", ENT),
    Page("print-preview", "/certificates/{issued}/print/preview?kind=certificate&format=standard", ENT),
    Page("print-settings", "/print-settings", ENT),
    Page("products", "/products", ENT, shows="TB-001"),
    Page("products-search", "/products?q=牙刷", ENT, shows="TB-001"),
    Page("product-new", "/products/new", ENT),
    Page("product", "/products/{product}", ENT, shows="商品 TB-001"),
    Page("product-delete", "/products/{product}/delete", ENT, shows="TB-001"),
    # 企业管理员
    Page("users", "/users", ADMIN, shows="clerk_a"),
    Page("user", "/users/{clerk}", ADMIN + SYSADMIN, shows="clerk_a"),
    Page("qualification", "/qualification", ADMIN),
    Page("approved-exporters", "/enterprise/approved-exporters", ADMIN, shows="CH3100AE01"),
    Page("approved-exporter", "/enterprise/approved-exporters/{approval}", ADMIN, shows="CH3100AE01"),
    Page("approved-exporter-delete", "/enterprise/approved-exporters/{approval}/delete", ADMIN, shows="CH3100AE01"),
    Page("audit", "/audit", ADMIN + SYSADMIN, shows="clerk_a"),
    Page("api-tokens", "/enterprise/api-tokens", ADMIN, shows="生成令牌"),
    # 签证机构审核员
    Page("desk", "/authority/desk", OFFICER, shows="{pending_no}"),
    Page("desk-all", "/authority/desk?status=all", OFFICER, shows="{issued_no}"),
    Page("declaration-pending", "/authority/declarations/{decl_pending}", OFFICER, shows="{pending_no}"),
    Page("declaration-issued", "/authority/declarations/{decl_issued}", OFFICER, shows="审核通过"),
    Page("declaration-returned", "/authority/declarations/{decl_returned}", OFFICER, shows="发票日期与发票不符"),
    Page("declaration-print", "/authority/declarations/{decl_pending}/print", OFFICER, shows="请选择打印类型"),
    Page("declaration-print-preview", "/authority/declarations/{decl_issued}/print/preview?kind=application&format=standard",
         OFFICER, shows="打印预览"),
    # 系统管理员
    Page("enterprises", "/admin/enterprises", SYSADMIN, shows="乙贸易有限公司"),
    Page("enterprise", "/admin/enterprises/{enterprise}", SYSADMIN, shows="clerk_a"),
    Page("officers", "/admin/officers", SYSADMIN, shows="officer_sh"),
    Page("settings", "/admin/settings", SYSADMIN),
    Page("senders", "/authority/senders", SYSADMIN, shows="发送方登记"),
    Page("refdata", "/admin/refdata", SYSADMIN, shows="国家/地区"),
    Page("refdata-country", "/admin/refdata/country?q=JA", SYSADMIN, shows="JP"),
    Page("refdata-trade-mode", "/admin/refdata/trade_mode", SYSADMIN, shows="0110"),
    Page("refdata-hs", "/admin/refdata/hs?q=牙刷", SYSADMIN, shows="载入新年度税则"),
    Page("refdata-entry-new", "/admin/refdata/country/new", SYSADMIN),
    Page("refdata-entry-edit", "/admin/refdata/country/{entry}", SYSADMIN, shows="JP"),
]

# GET endpoints that are not pages, each with the reason. (Endpoints without GET are POST-only actions: their
# answers are pages the crawl reaches as states below, or redirects.)
EXCLUDED = {
    "static": "CSS, JavaScript and the vendored htmx, not pages",
    "versioned_static": "the same files under a versioned URL",
    "web.notice_mark": "the header's 通知 mark, an htmx fragment polled into every page (without htmx it "
                       "redirects to 首页); checked inside every page",
    "certificates.row_show": "取消 of a row edit: the row as an htmx fragment (without htmx it redirects to the "
                             "certificate page); checked inside certificate-draft",
    "web.health": "JSON for load balancers",
    "web.metrics": "Prometheus text for the monitoring",
    "accounts.captcha_new": "JSON: the login page's 换一张 asks it for a new captcha",
    "accounts.captcha_image": "the captcha PNG",
    "accounts.login_code": "the login's second step, reached only after a right password: checked as the state "
                           "login-code (anonymous, with a wrong code)",
    "refdata.options": "the <li> options lookup.js fetches as the user types; checked inside the page "
                       "while the list is open (state lookup-open)",
    "refdata.export": "CSV download",
    "certificates.products_export": "Excel (.xlsx) download of 商品库",
    "certificates.products_template": "Excel (.xlsx) template of the 商品库 import",
    "certificates.products_options": "the <li> options of the goods editor's 商品库 field (as refdata.options)",
    "certificates.goods_template": "the goods import template (.xlsx download)",
    "refdata.export_xlsx": "Excel (.xlsx) download",
    "queries.export_xlsx": "Excel (.xlsx) download of 证书查询's results",
    "certificates.export_xlsx": "Excel (.xlsx) download of one certificate",
    "queries.customs_xml": "XML download (the customs import layout) of one certificate",
    "printing.pdf": "PDF",
    "api.v1.openapi_json": "JSON: the API's OpenAPI document",
    "api.v1.unknown": "JSON: the API's answer for a path that is no route",
    "api.v1.certificate_types": "JSON API (an API token, never a login session)",
    "api.v1.certificates_list": "JSON API (an API token, never a login session)",
    "api.v1.certificate": "JSON API (an API token, never a login session)",
    "api.v1.receipts": "JSON API (an API token, never a login session)",
    "api.v1.pdf": "PDF through the JSON API (an API token)",
    "printing.calibration": "PDF",
    "authority.print_pdf": "PDF (the officer's print of a declaration)",
    "authority.receipts": "XML for the enterprise side's poll job (HTTP Basic auth)",
    "certificates.live_status": "the htmx fragment polled into the certificate page (without htmx it "
                                "redirects there); checked inside certificate-declared",
}


@dataclass
class Snapshot:
    name: str  # <role>-<js|nojs>-<slug>: also the saved file's name
    role: str
    js: bool
    url: str
    violations: list = field(default_factory=list)

    def failing(self) -> list:
        return [v for v in self.violations if v["impact"] in FAILING_IMPACTS]


def describe(snapshots: list[Snapshot]) -> str:
    """The serious and critical violations, readably: page, JS on/off, rule, elements and their HTML."""
    lines = []
    for snap in snapshots:
        for v in snap.failing():
            lines.append(f"{snap.name}: {ROLE_LABELS[snap.role]}, JavaScript {'on' if snap.js else 'off'}, "
                         f"{snap.url}\n  {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"][:8]:
                summary = " ".join((node.get("failureSummary") or "").split())
                lines.append(f"    {' '.join(map(str, node['target']))}\n      {node['html'][:300]}"
                             f"\n      {summary[:300]}")
            if len(v["nodes"]) > 8:
                lines.append(f"    … and {len(v['nodes']) - 8} more elements")
    return "\n".join(lines)


AXE_OPTIONS = {"resultTypes": ["violations"], "iframes": False}  # the one iframe is the PDF preview
# With JavaScript off the page runs no script and its timers never fire; axe only needs them to yield, so in
# axe's own world they become microtasks.
NO_TIMERS = ("globalThis.setTimeout = (fn, ms, ...args) => { Promise.resolve().then(() => fn(...args)); return 1; };"
             "globalThis.clearTimeout = () => {};"
             "globalThis.requestAnimationFrame = (fn) => {"
             " Promise.resolve().then(() => fn(performance.now())); return 1; };")


def run_axe(page, js: bool) -> list:
    """axe-core in an isolated world of the page: it sees the page's DOM and styles, the page's scripts and CSP
    do not see it (so no bypass_csp), and it works with JavaScript off too."""
    cdp = page.context.new_cdp_session(page)
    try:
        frame = cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        world = cdp.send("Page.createIsolatedWorld", {"frameId": frame, "worldName": "axe-a11y"})["executionContextId"]

        def evaluate(expression, **extra):
            answer = cdp.send("Runtime.evaluate", {"expression": expression, "contextId": world, **extra})
            if "exceptionDetails" in answer:
                raise AssertionError(f"axe failed on {page.url}: {answer['exceptionDetails']}")
            return answer["result"].get("value")

        evaluate(("" if js else NO_TIMERS) + AXE_SCRIPT)
        result = evaluate(f"axe.run(document, {json.dumps(AXE_OPTIONS)})", awaitPromise=True, returnByValue=True)
    finally:
        cdp.detach()
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "helpUrl": v["helpUrl"],
             "nodes": [{"target": n["target"], "html": n["html"], "failureSummary": n.get("failureSummary")}
                       for n in v["nodes"]]} for v in result["violations"]]


SETTLE = """async () => {
  for (let i = 0; i < 100; i++) {
    if (document.readyState === 'complete' && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping'))
      return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}"""


def slug_of(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def write_report(snapshots) -> None:
    AXE_REPORT.parent.mkdir(parents=True, exist_ok=True)
    AXE_REPORT.write_text(json.dumps({s.name: {"url": s.url, "violations": s.violations} for s in snapshots},
                                     ensure_ascii=False, indent=1), encoding="utf-8")
