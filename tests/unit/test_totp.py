"""The second factor's pure rules: TOTP steps, replay, drift, typed input, recovery codes."""
import pyotp

from app.accounts import totp
from app.accounts.roles import Role

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_015.0  # inside step 60_000_000


def _code(offset=0):
    return pyotp.TOTP(SECRET).at(NOW + 30 * offset)


def test_a_new_secret_has_160_bits_and_the_uri_names_the_system_and_the_user():
    secret = totp.new_secret()
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    uri = totp.provisioning_uri(secret, "officer_sh")
    assert uri.startswith("otpauth://totp/") and "officer_sh" in uri and f"secret={secret}" in uri
    assert "issuer=" in uri
    assert totp.grouped("ABCDEFGH") == "ABCD EFGH"


def test_the_current_previous_and_next_codes_are_accepted_and_no_other():
    step = totp.time_step(NOW)
    assert totp.matching_step(SECRET, _code(), NOW, None) == step
    assert totp.matching_step(SECRET, _code(-1), NOW, None) == step - 1
    assert totp.matching_step(SECRET, _code(1), NOW, None) == step + 1
    assert totp.matching_step(SECRET, _code(-2), NOW, None) is None
    assert totp.matching_step(SECRET, _code(2), NOW, None) is None


def test_a_step_already_used_is_refused():
    step = totp.time_step(NOW)
    assert totp.matching_step(SECRET, _code(), NOW, step) is None
    assert totp.matching_step(SECRET, _code(-1), NOW, step) is None
    assert totp.matching_step(SECRET, _code(1), NOW, step) == step + 1


def test_typed_codes_are_forgiven_spaces_and_full_width_digits():
    code = _code()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert totp.matching_step(SECRET, f" {code[:3]} {code[3:]} ", NOW, None) is not None
    assert totp.matching_step(SECRET, full_width, NOW, None) is not None
    assert totp.matching_step(SECRET, "12345", NOW, None) is None
    assert totp.matching_step(SECRET, "abcdef", NOW, None) is None


def test_recovery_codes_are_ten_distinct_and_read_back_however_typed():
    codes = totp.new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert len(code) == 11 and code[5] == "-"
        assert totp.normalise_recovery_code(code.upper().replace("-", " ")) == code.replace("-", "")
    assert totp.normalise_recovery_code("abc") is None
    assert totp.normalise_recovery_code("ilou0-12345") is None  # letters not in the alphabet


def test_officers_and_sysadmins_must_use_it_enterprise_users_may():
    assert totp.is_mandatory(Role.OFFICER) and totp.is_mandatory(Role.SYSADMIN)
    assert not totp.is_mandatory(Role.CLERK) and not totp.is_mandatory(Role.ENT_ADMIN)
