"""API 令牌 (/enterprise/api-tokens): the enterprise admin makes a token (shown once, stored hashed) and revokes it."""
import json
import re

import sqlalchemy as sa

from app.accounts.models import AuditLog
from app.api.models import ApiToken
from app.api.tokens import digest
from app.extensions import db
from tests.support import HTMX, csrf_token

URL = "/enterprise/api-tokens"
TOKEN_RE = re.compile(r'id="api-token-value">(coapi_[A-Za-z0-9_-]+)<')


def _form(client, **changes):
    page = client.get(URL).get_data(as_text=True)
    user = re.search(r'<option value="(\d+)">[^<]*clerk_a', page).group(1)
    return {"csrf_token": csrf_token(page), "name": "ERP 正式环境", "user_id": user, **changes}


def _fragment(response, root_id="api-tokens"):
    html = response.get_data(as_text=True)
    assert "<html" not in html and f'id="{root_id}"' in html
    assert "HX-Request" in response.headers["Vary"]
    return html


def _tokens(app):
    with app.app_context():
        return [(t.name, t.user.username, t.prefix, t.token_hash, t.revoked_at is not None)
                for t in db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id))]


def _audit(app):
    with app.app_context():
        return [(a.action, a.actor_name, a.enterprise_id, json.loads(a.detail)) for a in db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action.startswith("api_token.")).order_by(AuditLog.id))]


def test_it_makes_a_token_shows_it_once_and_keeps_only_its_hash(app, client, cast, log_in):
    log_in("admin_a")
    response = client.post(URL, data=_form(client))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = TOKEN_RE.search(html).group(1)
    assert "令牌只显示这一次" in html
    [(name, username, prefix, hashed, revoked)] = _tokens(app)
    assert (name, username, revoked) == ("ERP 正式环境", "clerk_a", False)
    assert hashed == digest(token) and prefix == token[:12] and token not in hashed
    listed = client.get(URL).get_data(as_text=True)
    assert token not in listed and f"{prefix}…" in listed and "从未使用" in listed and "有效" in listed
    assert _audit(app) == [("api_token.create", "admin_a", cast.ent_a, {"名称": "ERP 正式环境", "使用者": "clerk_a"})]
    # the token works at once and acts as the chosen user
    assert client.get("/api/v1/certificates", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_new_token_comes_back_in_the_fragment_with_htmx(client, cast, log_in):
    log_in("admin_a")
    response = client.post(URL, data=_form(client), headers=HTMX)
    html = _fragment(response)
    assert TOKEN_RE.search(html) and response.headers["Cache-Control"] == "no-store"


def test_a_missing_name_or_a_user_of_another_enterprise_is_a_422_with_the_input_kept(app, client, cast, log_in):
    log_in("admin_a")
    response = client.post(URL, data=_form(client, name="", user_id=str(cast.clerk_b)))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "此项为必填项" in html and "请选择本企业的一个在用用户" in html
    assert _tokens(app) == []
    response = client.post(URL, data=_form(client, name="X" * 101), headers=HTMX)
    assert response.status_code == 422 and "不能超过 100 个字" in _fragment(response)


def test_the_list_shows_only_the_enterprises_own_tokens_with_their_use(app, client, cast, log_in):
    log_in("admin_b")
    client.post(URL, data={**_form_b(client)})
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    log_in("admin_a")
    page = client.post(URL, data=_form(client)).get_data(as_text=True)
    token = TOKEN_RE.search(page).group(1)
    client.get("/api/v1/certificates", headers={"Authorization": f"Bearer {token}"})
    html = client.get(URL).get_data(as_text=True)
    assert html.count('id="api-token-row-') == 1 and "B 的系统" not in html
    assert "从未使用" not in html  # 最近使用 shows the call just made
    assert "<th>名称</th><th>代表的用户</th><th>令牌前缀</th><th>生成时间</th><th>最近使用</th><th>状态</th>" in html


def _form_b(client):
    page = client.get(URL).get_data(as_text=True)
    user = re.search(r'<option value="(\d+)">[^<]*clerk_b', page).group(1)
    return {"csrf_token": csrf_token(page), "name": "B 的系统", "user_id": user}


def test_revoking_without_js_asks_on_a_page_then_revokes(app, client, cast, log_in):
    log_in("admin_a")
    page = client.post(URL, data=_form(client)).get_data(as_text=True)
    token = TOKEN_RE.search(page).group(1)
    token_id = re.search(r'id="api-token-(\d+)-revoke"', client.get(URL).get_data(as_text=True)).group(1)
    form = {"csrf_token": csrf_token(page)}
    question = client.post(f"{URL}/{token_id}/revoke", data=form)
    assert question.status_code == 200 and "确定撤销令牌" in question.get_data(as_text=True)
    assert _tokens(app)[0][4] is False  # asked, not done
    done = client.post(f"{URL}/{token_id}/revoke", data={**form, "confirmed": "1"})
    assert done.status_code == 302 and done.headers["Location"] == URL
    listed = client.get(URL).get_data(as_text=True)
    assert "已撤销" in listed and f'id="api-token-{token_id}-revoke"' not in listed
    assert _tokens(app)[0][4] is True
    assert [a[0] for a in _audit(app)] == ["api_token.create", "api_token.revoke"]
    response = client.get("/api/v1/certificates", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_revoking_with_htmx_answers_the_list(app, client, cast, log_in):
    log_in("admin_a")
    page = client.post(URL, data=_form(client)).get_data(as_text=True)
    token_id = re.search(r'id="api-token-(\d+)-revoke"', client.get(URL).get_data(as_text=True)).group(1)
    html = _fragment(client.post(f"{URL}/{token_id}/revoke", data={"csrf_token": csrf_token(page), "confirmed": "1"},
                                 headers=HTMX))
    assert "已撤销" in html and _tokens(app)[0][4] is True
    again = client.post(f"{URL}/{token_id}/revoke", data={"csrf_token": csrf_token(page), "confirmed": "1"},
                        headers=HTMX)
    assert "已于此前撤销" in _fragment(again) and len(_audit(app)) == 2


def test_another_enterprises_admin_cannot_revoke_and_a_clerk_has_no_page(app, client, cast, log_in):
    log_in("admin_a")
    page = client.post(URL, data=_form(client)).get_data(as_text=True)
    token_id = re.search(r'id="api-token-(\d+)-revoke"', client.get(URL).get_data(as_text=True)).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    log_in("admin_b")
    other = csrf_token(client.get(URL).get_data(as_text=True))
    assert client.post(f"{URL}/{token_id}/revoke", data={"csrf_token": other, "confirmed": "1"}).status_code == 404
    assert _tokens(app)[0][4] is False
    client.post("/logout", data={"csrf_token": other})
    log_in("clerk_a")
    assert client.get(URL).status_code == 403


def test_the_menu_offers_the_page_to_the_admin_only(client, cast, log_in):
    log_in("admin_a")
    assert 'href="/enterprise/api-tokens"' in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    log_in("clerk_a")
    assert 'href="/enterprise/api-tokens"' not in client.get("/").get_data(as_text=True)
