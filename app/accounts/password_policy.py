"""The password policy (ASVS 4.0 V2.1, NIST SP 800-63B §5.1.1): long enough, not common, no composition rule.

A password is accepted when it has 12 to 128 characters (any characters: spaces, Chinese, emoji; nothing is
truncated), does not contain the username, and is not easy to guess. "Easy to guess" is decided by zxcvbn
(Dropbox's estimator, PyPI `zxcvbn`): it matches the password against its frequency lists — among them the
30,000 most common passwords of public breach corpora — and against keyboard walks, repeats, sequences and dates,
and estimates how many guesses an attacker needs. Below 10^8 guesses (zxcvbn score < 3) the password is refused,
with the reason in Chinese. There is deliberately no "letters and digits" rule: it makes passwords harder to
remember, not harder to guess (`Passw0rd-test` has both and is refused; `我家的猫每天早上六点叫醒我` has neither and
is accepted).
"""
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
# zxcvbn's matching is quadratic in the length; beyond this a password is judged by its beginning.
ANALYSED_LENGTH = 64
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable" (at least 10^8 guesses)
# Words anybody would try first against this system.
CONTEXT_WORDS = ("origin", "certificate", "chandizheng", "yuanchandi", "danyichuangkou", "singlewindow",
                 "customs", "haiguan", "demo", "admin", "sysadmin", "officer", "clerk")

POLICY_TEXT = f"密码至少 {MIN_LENGTH} 位（最多 {MAX_LENGTH} 位），可以使用任何字符，包括空格和汉字；" \
              "不能包含用户名，也不能是常见或容易猜到的密码。长一些比复杂更有效，例如几个不相关的词或一句话。"

_REASONS = {
    "passwords": "这是常见密码，出现在已泄露的密码列表中",
    "user_inputs": "含有用户名、姓名或本系统相关的词",
    "spatial": "是键盘上相邻按键的序列",
    "repeat": "含有重复的字符或片段",
    "sequence": "含有 abc、123 这样的顺序",
    "date": "含有日期或年份",
    "dictionary": "主要由常见单词或名字组成",
}


def check_password(value: str, username: str = "", other_words: tuple[str, ...] = ()) -> str | None:
    """None when `value` is an acceptable password, else the Chinese message shown beside the field.

    :param username: the account's username (refused inside the password; ignored when shorter than 3).
    :param other_words: more words the password should not be built from (display name, enterprise name).
    """
    value = value or ""
    if len(value) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位（现在 {len(value)} 位）；可以用几个词或一句话，空格和汉字都可以"
    if len(value) > MAX_LENGTH:
        return f"密码不能超过 {MAX_LENGTH} 位"
    if len(username) >= 3 and username.lower() in value.lower():
        return "密码不能包含用户名"
    reason = guessable_reason(value, (username, *other_words))
    if reason:
        return f"密码太容易被猜到：{reason}。请换一个更长或更少见的密码"
    return None


def guessable_reason(value: str, words: tuple[str, ...] = ()) -> str | None:
    """Why zxcvbn finds `value` easy to guess (its weakest part), or None when it is not."""
    inputs = [w for w in (*words, *CONTEXT_WORDS) if w]
    result = zxcvbn(value[:ANALYSED_LENGTH], user_inputs=inputs, max_length=ANALYSED_LENGTH)
    if result["score"] >= MIN_SCORE:
        return None
    matches = [m for m in result["sequence"] if m["pattern"] != "bruteforce"]
    if not matches:
        return "太简单"
    # The longest recognised part explains most of the weakness.
    main = max(matches, key=lambda m: len(m["token"]))
    key = main.get("dictionary_name") if main["pattern"] == "dictionary" else main["pattern"]
    if main["pattern"] == "dictionary" and main.get("graph"):
        key = "spatial"
    return _REASONS.get(key) or _REASONS.get(main["pattern"], "太简单")
