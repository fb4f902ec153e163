"""Gateways to the issuing authority, behind one interface.

`embedded` hands the XML to this deployment's authority desk in-process (same messages, same receipts);
`http` posts it to a remote authority (another instance of this system in authority mode) with the
enterprise's 质检通讯平台帐号/密码 from 资质备案.
"""
import base64
import urllib.error
import urllib.request

from flask import current_app

from app.crypto import decrypt


class GatewayError(Exception):
    """Delivery failed for now (unreachable, refused, timed out): the outbox retries later."""


class EmbeddedGateway:
    name = "embedded"
    in_process = True  # the authority's records commit together with the outbox's `sent` mark

    def send(self, qualification, message_id: str, xml: bytes) -> None:
        from app.authority.inbox import InboxRefused, receive
        from app.exchange.messages import MessageError

        try:
            receive(xml, qualification.co_reg_no)
        except (InboxRefused, MessageError) as exc:
            raise GatewayError(str(exc)) from exc

    def fetch(self, qualification, after: int) -> bytes:
        from app.authority.inbox import receipts_xml

        return receipts_xml(qualification.co_reg_no, after)


class HttpGateway:
    name = "http"
    in_process = False

    def __init__(self, base_url: str, timeout: float):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    @staticmethod
    def _auth(qualification) -> str:
        if not (qualification.platform_account and qualification.platform_password_enc):
            raise GatewayError("资质备案中未设置质检通讯平台帐号或密码")
        pair = f"{qualification.platform_account}:{decrypt(qualification.platform_password_enc)}"
        return "Basic " + base64.b64encode(pair.encode()).decode()

    def _call(self, request: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            raise GatewayError(f"签证机构返回 HTTP {exc.code}：{detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise GatewayError(f"无法连接签证机构：{exc}") from exc

    def send(self, qualification, message_id: str, xml: bytes) -> None:
        self._call(urllib.request.Request(
            self.base_url + "/exchange/inbox", data=xml, method="POST",
            headers={"Authorization": self._auth(qualification), "Idempotency-Key": message_id,
                     "Content-Type": "application/xml; charset=utf-8"}))

    def fetch(self, qualification, after: int) -> bytes:
        return self._call(urllib.request.Request(
            f"{self.base_url}/exchange/receipts?after={int(after)}",
            headers={"Authorization": self._auth(qualification)}))


def get_gateway():
    """The configured gateway (EXCHANGE_GATEWAY = embedded | http)."""
    if current_app.config["EXCHANGE_GATEWAY"] == "http":
        return HttpGateway(current_app.config["AUTHORITY_URL"], current_app.config["EXCHANGE_TIMEOUT_SECONDS"])
    return EmbeddedGateway()
