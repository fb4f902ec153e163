"""Password hashing: argon2id at the OWASP-recommended cost by default."""
from app import create_app
from app.accounts.models import User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.extensions import db
from config import Config
from tests.conftest import dispose
from tests.support import login


def test_the_default_cost_is_owasps_argon2id_recommendation():
    assert (Config.ARGON2_MEMORY_KIB, Config.ARGON2_TIME_COST, Config.ARGON2_PARALLELISM) == (19456, 2, 1)


def test_a_hash_made_with_the_defaults_says_so(db_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "k", "DATA_ENCRYPTION_KEYS":
                      "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M="})
    with app.app_context():
        stored = hash_password("Demo@12345")
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert verify_password(stored, "Demo@12345")
        assert not verify_password(stored, "Demo@12346")
        assert not verify_password(None, "Demo@12345")


def test_a_weaker_stored_hash_is_upgraded_at_login(app, client, captchas, cast):
    strong = create_app({**app.config, "ARGON2_TIME_COST": 2, "ARGON2_MEMORY_KIB": 19456})
    login(strong.test_client(), captchas, "clerk_a")
    with strong.app_context():
        stored = db.session.get(User, cast.clerk_a).password_hash
        assert "m=19456,t=2" in stored and not needs_rehash(stored)
    dispose(strong)
