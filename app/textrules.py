"""What English certificate text may hold, for every package: Chinese characters and full-width forms are not
English (customs rejects them), and the full-width forms an input method types have one half-width equivalent."""
import re

_HAN = r"\u3400-\u9fff\uf900-\ufaff"
HAN = re.compile(f"[{_HAN}]")  # Chinese characters
# Chinese characters and the full-width / CJK punctuation customs rejects in English text.
CHINESE = re.compile(f"[{_HAN}\u3000-\u303f\uff01-\uff5e]")
# Full-width letters, digits and punctuation, the ideographic space, and the CJK full stop, comma and brackets.
_HALF = {**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}, "\u3000": " ", "。": ".", "、": ",",
         "【": "[", "】": "]", "「": '"', "」": '"', "《": "<", "》": ">", "‘": "'", "’": "'", "“": '"', "”": '"'}
_HALF_RE = re.compile("[" + re.escape("".join(_HALF)) + "]")


def half_width(text: str) -> str:
    """English text as customs accepts it: full-width letters, digits and punctuation made half-width."""
    return _HALF_RE.sub(lambda m: _HALF[m.group()], text) if text else text
