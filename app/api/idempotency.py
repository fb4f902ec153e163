"""`Idempotency-Key` on create and declare: a retry of the same request gets the answer the first one got.

The ERP sends a key of its own (a UUID, its document number …). The first success is stored with the key, in the
same transaction as the change, so either both are kept or neither; a retry with the same key and the same body
answers that stored answer again (header `Idempotent-Replayed: true`) and changes nothing; the same key with
another body is refused (422). A request that failed stored nothing: its retry runs again. Two requests with the
same key at the same moment meet at the table's unique key; the later one answers the earlier one's result.
"""
import json

import sqlalchemy as sa
from flask import request
from sqlalchemy.exc import IntegrityError

from app.extensions import db

from .errors import ApiError, error, json_response
from .models import ApiIdempotency
from .payload import request_hash

HEADER = "Idempotency-Key"
MAX_LENGTH = 100  # api_idempotency.key
OTHER_BODY = ("该 Idempotency-Key 已用于内容不同的另一请求：重试请原样发送第一次的请求内容；"
              "新的请求请使用新的 Idempotency-Key")


class Idempotency:
    """The key of one request, if it carried one: `replay()` before the work, `commit()` after it."""

    def __init__(self, enterprise_id: int, scope: str, body: dict):
        self.key = (request.headers.get(HEADER) or "").strip()
        if self.key and (len(self.key) > MAX_LENGTH or not all("!" <= ch <= "~" for ch in self.key)):
            raise ApiError(400, [error(HEADER, f"Idempotency-Key 须为 1–{MAX_LENGTH} 个可见 ASCII 字符"
                                               "（字母、数字、- _ 等，例如 UUID）")])
        self.enterprise_id, self.scope, self.hash = enterprise_id, scope, request_hash(body)

    def _stored(self) -> ApiIdempotency | None:
        return db.session.scalar(sa.select(ApiIdempotency).where(
            ApiIdempotency.enterprise_id == self.enterprise_id, ApiIdempotency.scope == self.scope,
            ApiIdempotency.key == self.key))

    def replay(self):
        """The stored answer for this key, or None when it is new (or there is no key).

        :raises ApiError: 422 when the key was used with another body.
        """
        if not self.key:
            return None
        row = self._stored()
        if row is None:
            return None
        if row.request_hash != self.hash:
            raise ApiError(422, [error(HEADER, OTHER_BODY)])
        data = json.loads(row.body)
        headers = {"Idempotent-Replayed": "true"}
        if row.status_code == 201 and isinstance(data, dict) and data.get("url"):
            headers["Location"] = data["url"]
        return json_response(data, row.status_code, headers)

    def commit(self, status: int, data: dict, headers: dict | None = None):
        """Store the answer with the change and commit both; the answer to send."""
        if self.key:
            db.session.add(ApiIdempotency(enterprise_id=self.enterprise_id, scope=self.scope, key=self.key,
                                          request_hash=self.hash, status_code=status,
                                          body=json.dumps(data, ensure_ascii=False, default=str)))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            stored = self.replay() if self.key else None  # the same key, committed meanwhile by a twin request
            if stored is None:
                raise
            return stored
        return json_response(data, status, headers)
