import pytest

from app.web.safe_url import safe_next


@pytest.mark.parametrize("target", ["/", "/users?x=1", "/certificates/new"])
def test_it_keeps_local_paths(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "javascript:alert(1)",
                                    "/\\evil.example", "users", "", None, "/\r\nSet-Cookie: evil=1",
                                    "/x\nLocation: https://evil.example", "/\x00", "/\t/evil.example",
                                    "/" + "x" * 5000])
def test_it_drops_anything_that_could_leave_the_site(target):
    assert safe_next(target) is None
