from app.settings.registry import SETTINGS, SettingDef


def test_it_parses_integers_within_bounds():
    definition = SettingDef("x", "X", 5, minimum=1, maximum=10)
    assert definition.parse("7") == (7, None)
    assert definition.parse("0") == (0, "不能小于 1")
    assert definition.parse("11") == (11, "不能大于 10")
    assert definition.parse("abc") == ("abc", "请填写整数")


def test_it_parses_checkboxes_and_choices():
    assert SettingDef("b", "B", False).parse("1") == (True, None)
    assert SettingDef("b", "B", True).parse(None) == (False, None)
    choice = SettingDef("c", "C", "embedded", choices=(("embedded", "内置"), ("http", "HTTP")))
    assert choice.parse("http") == ("http", None)
    assert choice.parse("ftp") == ("ftp", "请选择列表中的值")


def test_the_login_throttle_settings_are_registered():
    assert {"login.max_failures_per_account", "login.max_failures_per_address",
            "login.lockout_minutes"} <= set(SETTINGS)
