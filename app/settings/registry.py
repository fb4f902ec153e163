"""Runtime settings kept in the database, edited on 系统设置. Later areas add theirs here."""
from dataclasses import dataclass


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    default: int | str | bool
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> str:
        if isinstance(self.default, bool):
            return "bool"
        return "int" if isinstance(self.default, int) else "str"

    def parse(self, raw) -> tuple[object, str | None]:
        """Turn form input into a value; returns (value, message) where message is the error, if any."""
        if self.kind == "bool":
            return raw in (True, "1", "on", "true", "y"), None
        text = str(raw if raw is not None else "").strip()
        if self.kind == "int":
            try:
                value = int(text)
            except ValueError:
                return text, "请填写整数"
            if self.minimum is not None and value < self.minimum:
                return value, f"不能小于 {self.minimum}"
            if self.maximum is not None and value > self.maximum:
                return value, f"不能大于 {self.maximum}"
            return value, None
        if self.choices and text not in dict(self.choices):
            return text, "请选择列表中的值"
        return text, None


SETTINGS: dict[str, SettingDef] = {}


def register(*defs: SettingDef) -> None:
    for definition in defs:
        SETTINGS[definition.key] = definition


register(
    SettingDef("login.max_failures_per_account", "同一帐号连续登录失败上限", 5,
               "达到上限后该帐号暂时锁定", minimum=1, maximum=100),
    SettingDef("login.max_failures_per_address", "同一客户端地址登录失败上限", 20,
               "达到上限后该地址暂时不能登录", minimum=1, maximum=1000),
    SettingDef("login.lockout_minutes", "登录锁定时长（分钟）", 15,
               "失败次数在该时长内累计；锁定在最早一次失败满该时长后解除", minimum=1, maximum=1440),
)
register(
    SettingDef("authority.auto_review_types", "自动审核的证书类型", "*",
               "审核端：填写证书类型代码，以逗号分隔（如 C,E,K）；* 表示全部类型；留空则全部人工审核。"
               "通过全部自动检查的申报即时审核通过，其余转人工审核"),
)

register(
    SettingDef("certificate.max_goods_rows", "每份证书货物行数上限", 200,
               "一份证书最多可录入的货物行数（含非货物项），在保存货物、复制货物、申报和打印时检查；"
               "各证书类型自身的项数限制（如中国-东盟证书 20 项）另行检查", minimum=1, maximum=1000),
    SettingDef("certificate.application_window_days", "申请日期最早可早于今天的天数", 365,
               "申报时，申请日期早于今天超过该天数即不能申报（补发证书请按协定规定办理）", minimum=1, maximum=3650),
)

register(
    SettingDef("certificate.undertaking_text", "申请人承诺（申报时须确认的文字）",
               "本申请人郑重承诺：所申报的原产地证书（或原产地声明）内容及随附单证真实、准确、完整，货物符合相关原产地规则；"
               "如委托代理人申报，已取得委托人授权；如有不实，愿承担相应法律责任，并配合签证机构的核查。",
               "海关总署令第270号起，申报时申请人须确认承诺；此处文字随申报记录并写入申报报文"),
)
