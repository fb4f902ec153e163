"""Gateways to the issuing authority, behind one interface.

`embedded` hands the XML to this deployment's authority desk in-process (same messages, same receipts);
`http` posts it to a remote authority (another instance of this system in authority mode) with the
质检通讯平台帐号/密码 the authority issued to the enterprise (kept in its 资质备案).

The enterprise side knows nothing of the authority's internals: the authority package registers its desk
(register_embedded_desk) when the app starts, and the embedded gateway calls what was registered.
"""
from dataclasses import dataclass
from typing import Callable

import base64
import urllib.error
import urllib.request

from flask import current_app

from app.crypto import decrypt


class GatewayError(Exception):
    """Delivery failed for now (unreachable, refused, timed out): the outbox retries later."""


class DeliveryRefused(Exception):
    """The authority read the message and will not take it from this sender (the text says why)."""


@dataclass(frozen=True)
class Desk:
    """What the embedded gateway calls: receive(xml, co_reg_no) and receipts(co_reg_no, after) → XML."""
    receive: Callable[[bytes, str], object]
    receipts: Callable[[str, int], bytes]


def register_embedded_desk(app, desk: Desk) -> None:
    app.extensions["co_embedded_desk"] = desk


class EmbeddedGateway:
    name = "embedded"
    in_process = True  # the authority's records commit together with the outbox's `sent` mark

    @staticmethod
    def _desk() -> Desk:
        desk = current_app.extensions.get("co_embedded_desk")
        if desk is None:
            raise GatewayError("本系统未启用签证机构端（embedded 网关需要 APP_MODE=full）")
        return desk

    def send(self, qualification, message_id: str, xml: bytes) -> None:
        from app.exchange.messages import MessageError

        try:
            self._desk().receive(xml, qualification.co_reg_no)
        except (DeliveryRefused, MessageError) as exc:
            raise GatewayError(str(exc)) from exc

    def fetch(self, qualification, after: int) -> bytes:
        return self._desk().receipts(qualification.co_reg_no, after)


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
