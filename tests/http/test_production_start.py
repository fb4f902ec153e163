"""The production start an operator follows (docs/deploy.md): `make serve` migrates, loads the code tables and
serves without demo data, whatever DEMO_MODE the environment holds; the example systemd units are valid."""
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.http.test_exchange_two_processes import OUTER, ROOT, _free_port
from tests.http.test_process_stop import _group_gone

EXAMPLES = ROOT / "docs" / "examples" / "deploy"


def test_make_serve_starts_an_empty_install_without_demo_data(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in OUTER}
    db_file = tmp_path / "co.sqlite3"
    env.update(DATABASE_URL=f"sqlite:///{db_file}", INSTANCE_DIR=str(tmp_path / "instance"), PORT=str(port),
               DEMO_MODE="1", PYTHONUNBUFFERED="1", VENV=os.environ.get("VENV", ".venv"))
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        page = None
        while time.monotonic() < deadline and page is None:
            assert server.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.3)
        assert page and "登录" in page, log.read_text()
        engine = sa.create_engine(f"sqlite:///{db_file}")
        with engine.connect() as conn:
            users = conn.execute(sa.text("SELECT username FROM users")).scalars().all()
            codes = conn.execute(sa.text("SELECT COUNT(*) FROM code_entries")).scalar()
        engine.dispose()
        assert users == [], f"make serve created accounts: {users}"
        assert codes > 1000, "the code tables were not loaded"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # as systemd stops it: make, flask serve and its jobs process
        server.wait(timeout=60)  # make ends at once ("Terminated"); the server behind it takes a moment longer
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _group_gone(server.pid):
            time.sleep(0.2)
    output = log.read_text()
    assert "Traceback" not in output, output
    assert "已停止 web 与后台任务进程" in output, output
    assert "演示" not in output and "demo_" not in output, output


def _units(tmp_path: Path) -> list[Path]:
    """The example units with this checkout's paths (systemd checks that ExecStart exists and runs)."""
    venv = Path(os.environ.get("VENV", ROOT / ".venv")).resolve()
    made = []
    for unit in sorted(EXAMPLES.glob("*.service")):
        text = unit.read_text().replace("/srv/co/.venv", str(venv)).replace("/srv/co", str(ROOT)) \
            .replace("/etc/co/co.env", str(EXAMPLES / "co.env")).replace("/var/lib/co", str(tmp_path))
        name = unit.name.replace("@.", "@8001.")
        (tmp_path / name).write_text(text)
        made.append(tmp_path / name)
    return made


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_example_systemd_units_are_valid(tmp_path):
    units = _units(tmp_path)
    assert {u.name for u in units} == {"co-jobs.service", "co-web@8001.service"}
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, units)], capture_output=True,
                            text=True, timeout=60)
    # systemd only warns (exit 0) about a directive it cannot parse: any output is a mistake in a unit
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "co-" in line or "Failed" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def test_the_example_units_run_commands_that_exist_with_variables_the_app_reads():
    web = (EXAMPLES / "co-web@.service").read_text()
    jobs = (EXAMPLES / "co-jobs.service").read_text()
    serve_help = subprocess.run([str(Path(os.environ.get("VENV", ROOT / ".venv")) / "bin" / "flask"), "--app",
                                 "wsgi", "serve", "--help"], cwd=ROOT, capture_output=True, text=True).stdout
    for option in re.findall(r"(--[a-z-]+)", web.split("ExecStart=")[1].splitlines()[0].split(" serve ")[1]):
        assert option in serve_help, f"flask serve has no {option}"
    assert "jobs run" in jobs
    config = (ROOT / "config.py").read_text()
    readme = (ROOT / "README.md").read_text()
    for line in (EXAMPLES / "co.env").read_text().splitlines():
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            assert f'"{name}"' in config, f"config.py does not read {name}"
            assert f"`{name}`" in readme, f"README.md does not describe {name}"
