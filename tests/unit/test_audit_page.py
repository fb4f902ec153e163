"""操作日志's readable details, targets and filters (pure)."""
import json
from datetime import date, datetime

from app.accounts.audit_page import Filters, detail_lines, parse_filters, target_text, utc_bounds


def test_details_read_as_field_value_lines_and_changes_as_old_to_new():
    detail = json.dumps({"role": ["clerk", "ent_admin"], "display_name": "张三", "authority_code": None,
                         "active": True, "attrs": {"phrase": "BY SEA"}, "platform_password": "已更换",
                         "登录锁定时长（分钟）": [15, 30], "cert_type": "C"}, ensure_ascii=False)
    assert detail_lines(detail) == [
        ("角色", "企业操作员 → 企业管理员"), ("姓名", "张三"), ("启用", "是"), ("属性", "phrase: BY SEA"),
        ("质检通讯平台密码", "已更换"), ("登录锁定时长（分钟）", "15 → 30"), ("证书类型", "C")]


def test_empty_values_and_old_plain_text_details_are_readable():
    assert detail_lines("") == []
    assert detail_lines("旧格式的说明") == [("详情", "旧格式的说明")]
    assert detail_lines(json.dumps({"name_en": ["", "Sea"], "attrs": [{}, {"a": 1}]})) == [
        ("英文名称", "（空） → Sea"), ("属性", "（空） → a: 1")]
    assert detail_lines("[1, 2]") == [("详情", "1、2")]


def test_targets_are_named_in_words():
    assert target_text("certificate:C26310000001") == "证书 C26310000001"
    assert target_text("user:clerk_a") == "用户 clerk_a"
    assert target_text("path:POST /login") == "请求 POST /login"
    assert target_text("system") == "系统设置"
    assert target_text("odd:thing") == "odd:thing"


def test_filters_ignore_what_they_do_not_know():
    actions = {"user.create": "创建用户"}
    f = parse_filters({"action": "drop table", "user": " clerk_a ", "date_from": "2026-13-01", "date_to": "0001-01-01"},
                      actions)
    assert f == Filters(user="clerk_a")
    f = parse_filters({"action": "user.create", "date_from": "2026-11-20", "date_to": "2026-11-20"}, actions)
    assert f.args() == {"action": "user.create", "date_from": "2026-11-20", "date_to": "2026-11-20"}


def test_local_days_become_utc_bounds():
    f = Filters(date_from=date(2026, 11, 20), date_to=date(2026, 11, 20))
    assert utc_bounds(f, "Asia/Shanghai") == (datetime(2026, 11, 19, 16), datetime(2026, 11, 20, 16))
    assert utc_bounds(Filters(), "Asia/Shanghai") == (None, None)


def test_every_action_the_code_records_has_a_chinese_label():
    """操作日志 shows the label; an action recorded without one would show its key to the reader."""
    import re
    from pathlib import Path

    from app.accounts.audit import ACTION_LABELS

    root = Path(__file__).resolve().parents[2] / "app"
    used = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'record(?:_certificate|_refusal)?\(\s*"([a-z_]+\.[a-z_]+)"', text))
        if "certificate.{kind}" in text:  # 更改证 / 重发证 / 更改重发证
            used |= {"certificate.change", "certificate.reissue", "certificate.change_reissue"}
        if "declaration.{action}" in text:
            used |= {"declaration.accept", "declaration.approve", "declaration.return"}
    assert len(used) > 20
    assert sorted(used - set(ACTION_LABELS)) == []
