"""The list actions of 证书查询 (manual 第二章 小提示) and how many rows each needs. Pure."""
from dataclasses import dataclass


@dataclass(frozen=True)
class ListAction:
    op: str
    label: str
    many: bool  # works on one or many selected rows; otherwise on exactly one


ACTIONS = {a.op: a for a in (
    ListAction("fetch", "获取回执", True),
    ListAction("delete", "删除", False),
    ListAction("print", "打印", False),
    ListAction("change", "更改证", False),
    ListAction("copy", "复制", False),
    ListAction("reissue", "重发证", False),
    ListAction("change_reissue", "更改重发证", False),
)}


MAX_SELECTED = 100  # 获取回执 on more is a job for the poll job, not for one request


def selection_problem(op: str, selected: int) -> str | None:
    """Why this action cannot run on `selected` rows, or None."""
    action = ACTIONS.get(op)
    if action is None:
        return "请选择要执行的操作"
    if selected == 0:
        return f"请先勾选要{action.label}的证书"
    if not action.many and selected > 1:
        return f"“{action.label}”一次只能选择一票证书，当前选择了 {selected} 票"
    if selected > MAX_SELECTED:
        return f"一次最多选择 {MAX_SELECTED} 票证书，当前选择了 {selected} 票"
    return None
