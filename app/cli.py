"""Command line: users, enterprises, demo data, the jobs process, and `serve` (web + jobs)."""
import os
import signal
import subprocess
import sys
import threading

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .accounts import services, totp, two_factor
from .accounts.models import Enterprise, Qualification, User
from .accounts.roles import Role
from .accounts.rules import check_password, check_username, normalise_username
from .exceptions import FieldError
from .refdata import search
from .extensions import db

users_cli = AppGroup("users", help="用户帐号")
enterprises_cli = AppGroup("enterprises", help="企业")
demo_cli = AppGroup("demo", help="演示数据（仅演示模式）")
jobs_cli = AppGroup("jobs", help="后台任务进程")
authority_cli = AppGroup("authority", help="签证机构端：发送方登记")


def _checked_password(password: str, username: str) -> str:
    message = check_password(password, username)
    if message:
        raise click.BadParameter(message, param_hint="--password")
    return password


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--display-name", default=None, help="姓名（默认同用户名）")
@click.option("--enterprise", "enterprise_name", default=None, help="企业名称（clerk / ent_admin）")
@click.option("--authority", default=None, help="签证机构代码（officer）")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(username, role, display_name, enterprise_name, authority, password):
    """Create a user; the password is asked for unless given."""
    if check_username(username):
        raise click.BadParameter(check_username(username), param_hint="--username")
    role = Role(role)
    enterprise = None
    if role.is_enterprise:
        enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == (enterprise_name or "")))
        if enterprise is None:
            raise click.BadParameter("企业不存在，请先 flask enterprises create", param_hint="--enterprise")
    if role == Role.OFFICER and (not authority or search.get("authority", authority) is None):
        raise click.BadParameter("审核员需要参数表“质检机构代码”中的签证机构代码（先运行 flask refdata load）",
                                 param_hint="--authority")
    try:
        services.create_user(username=username, display_name=display_name or username, role=role,
                             password=_checked_password(password, username), enterprise=enterprise,
                             authority_code=authority, must_change_password=False)
    except FieldError as exc:
        raise click.ClickException(exc.message)
    db.session.commit()
    click.echo(f"已创建用户 {normalise_username(username)}（{role.label}）")


@users_cli.command("reset-two-factor")
@click.argument("username")
def reset_two_factor(username):
    """Clear a user's 双重认证 (phone and recovery codes lost; e.g. the only sysadmin): their sessions end, and
    officers and sysadmins enrol again at their next login."""
    user = db.session.scalar(sa.select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise click.ClickException(f"用户 {username} 不存在")
    two_factor.reset(user, actor=None)
    db.session.commit()
    click.echo(f"已重置 {user.username} 的双重认证")


@enterprises_cli.command("create")
@click.argument("name")
@click.option("--admin", "admin_username", required=True, help="首位企业管理员的用户名")
@click.option("--admin-name", default=None, help="管理员姓名")
@click.option("--password", prompt="管理员密码", hide_input=True, confirmation_prompt=True)
def create_enterprise(name, admin_username, admin_name, password):
    """Create an enterprise and its first administrator."""
    try:
        services.create_enterprise(name=name, admin_username=admin_username,
                                   admin_display_name=admin_name or admin_username,
                                   admin_password=_checked_password(password, admin_username))
    except FieldError as exc:
        raise click.ClickException(exc.message)
    db.session.commit()
    click.echo(f"已创建企业“{name}”及管理员 {normalise_username(admin_username)}")


DEMO_ENTERPRISE = "演示进出口有限公司"
DEMO_PASSWORD = "Demo@12345"
DEMO_AUTHORITY = "2200"  # 上海海关
DEMO_USERS = (
    ("demo_admin", "演示管理员", Role.ENT_ADMIN),
    ("demo_clerk", "演示操作员", Role.CLERK),
    ("demo_officer", "演示审核员", Role.OFFICER),
    ("sysadmin", "系统管理员", Role.SYSADMIN),
)


DEMO_QUALIFICATION = {"co_reg_no": "220000001", "org_code": "91310000MA1FL0000N", "name_cn": DEMO_ENTERPRISE,
                      "platform_account": "demo"}
DEMO_INITIAL_VALUES = {"issuing_authority": DEMO_AUTHORITY, "collecting_authority": DEMO_AUTHORITY, "trade_mode": "0110",
                       "exporter_name": "DEMO IMPORT AND EXPORT CO., LTD.",
                       "exporter_address": "NO. 100 ZHONGSHAN ROAD, SHANGHAI, CHINA", "transport_mode": "2",
                       "port_of_loading": "CNSHA", "marks": "N/M", "currency": "USD", "quantity_unit": "PCS",
                       "package_unit": "CTNS", "weight_unit": "KGS"}


def _demo_qualification(enterprise) -> None:
    """资质备案 (with the platform password Demo@12345) and 初始值设置 of the demo enterprise, once."""
    from .certificates.models import InitialValues
    from .crypto import encrypt

    qualification = enterprise.qualification
    if not qualification.co_reg_no:
        for name, value in DEMO_QUALIFICATION.items():
            setattr(qualification, name, value)
        qualification.platform_password_enc = encrypt(DEMO_PASSWORD)
    if db.session.get(InitialValues, enterprise.id) is None:
        db.session.add(InitialValues(enterprise_id=enterprise.id, **DEMO_INITIAL_VALUES))


def _demo_sender() -> None:
    """The authority's register holds the demo enterprise, with the account and password of its 资质备案."""
    from .authority import senders
    from .authority.models import Sender

    if db.session.scalar(sa.select(Sender.id).where(Sender.co_reg_no == DEMO_QUALIFICATION["co_reg_no"])) is None:
        senders.register(DEMO_QUALIFICATION["co_reg_no"], DEMO_ENTERPRISE,
                         account=DEMO_QUALIFICATION["platform_account"], password=DEMO_PASSWORD)


@authority_cli.command("register-sender")
@click.argument("co_reg_no")
@click.argument("name")
@click.option("--account", default=None, help="质检通讯平台帐号（默认 co + 备案号）")
@with_appcontext
def register_sender(co_reg_no, name, account):
    """发送方登记: let an enterprise send declarations; prints its account and a new password once."""
    from .authority import senders

    try:
        sender, password = senders.register(co_reg_no, name, account=account)
    except FieldError as exc:
        raise click.ClickException(exc.message)
    db.session.commit()
    click.echo(f"已登记 {sender.co_reg_no}（{sender.name}）")
    click.echo(f"  质检通讯平台帐号：{sender.account}")
    click.echo(f"  密码（只显示这一次，请交给企业填入资质备案）：{password}")


@authority_cli.command("reset-sender-password")
@click.argument("co_reg_no")
@with_appcontext
def reset_sender_password(co_reg_no):
    """A new password for a registered sender (the old one stops working at once)."""
    from .authority import senders
    from .authority.models import Sender

    sender = db.session.scalar(sa.select(Sender).where(Sender.co_reg_no == co_reg_no.strip().upper()))
    if sender is None:
        raise click.ClickException(f"产地证备案号 {co_reg_no} 未登记")
    password = senders.reset_password(sender)
    db.session.commit()
    click.echo(f"{sender.account} 的新密码（只显示这一次）：{password}")


@authority_cli.command("import-senders")
@with_appcontext
def import_senders():
    """After upgrading an authority instance: register each 资质备案 that has a platform account and password
    (the register the authority used to read), keeping its account and password."""
    from .authority import senders
    from .authority.models import Sender
    from .crypto import decrypt

    done = 0
    for q in db.session.scalars(sa.select(Qualification).where(Qualification.platform_account.is_not(None),
                                                               Qualification.platform_password_enc.is_not(None))):
        if not q.co_reg_no or db.session.scalar(sa.select(Sender.id).where(Sender.co_reg_no == q.co_reg_no)):
            continue
        senders.register(q.co_reg_no, q.name_cn or q.enterprise.name, account=q.platform_account,
                         password=decrypt(q.platform_password_enc))
        done += 1
    db.session.commit()
    click.echo(f"已登记 {done} 个发送方")


@demo_cli.command("load")
@with_appcontext
def load_demo():
    """Create the demo enterprise and accounts (idempotent; refused unless DEMO_MODE=1)."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("演示数据只在演示模式下创建（DEMO_MODE=1）；生产环境请用 flask users create")
    enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == DEMO_ENTERPRISE))
    if enterprise is None:
        enterprise = services.create_enterprise(name=DEMO_ENTERPRISE, admin_username="demo_admin",
                                                admin_display_name="演示管理员", admin_password=DEMO_PASSWORD)
    for username, display_name, role in DEMO_USERS:
        if db.session.scalar(sa.select(User.id).where(User.username == username)) is None:
            services.create_user(username=username, display_name=display_name, role=role,
                                 password=DEMO_PASSWORD, enterprise=enterprise,
                                 authority_code=DEMO_AUTHORITY, must_change_password=False)
        else:
            user = db.session.scalar(sa.select(User).where(User.username == username))
            user.must_change_password = False
    _demo_qualification(enterprise)
    if current_app.config["APP_MODE"] != "enterprise":
        _demo_sender()
    secrets = _demo_two_factor()
    db.session.commit()
    click.echo("演示帐号（密码均为 %s）：" % DEMO_PASSWORD)
    for username, _name, role in DEMO_USERS:
        click.echo(f"  {username:<14} {role.label}")
    click.echo("审核员和系统管理员登录时还须输入双重认证的 6 位验证码：把下面的密钥加入手机上的身份验证器应用"
               "（“输入密钥”，基于时间），或运行 `make demo-code ACCOUNT=demo_officer` 取得当前验证码。")
    for username, secret in secrets.items():
        click.echo(f"  {username:<14} 密钥 {totp.grouped(secret)}")


def _demo_two_factor() -> dict:
    """The demo officer and sysadmin get a second factor (they must have one, as in production); their secrets."""
    secrets = {}
    for username, _name, role in DEMO_USERS:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if totp.is_mandatory(role):
            if not user.has_two_factor:
                two_factor.activate(user, totp.new_secret(), actor=user)
            secrets[username] = two_factor.secret_of(user)
    return secrets


@demo_cli.command("code")
@click.argument("username", default="demo_officer")
@with_appcontext
def demo_code(username):
    """The current 双重认证 code of a demo account (refused unless DEMO_MODE=1)."""
    import time

    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("只在演示模式下可用（DEMO_MODE=1）")
    username = normalise_username(username)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or username not in {name for name, _n, _r in DEMO_USERS} or not user.has_two_factor:
        raise click.ClickException(f"{username} 不是开启了双重认证的演示帐号")
    now = time.time()
    left = totp.STEP_SECONDS - int(now) % totp.STEP_SECONDS
    code = totp.code_at(two_factor.secret_of(user), totp.time_step(now))
    click.echo(f"{code}（{left} 秒内有效，每个验证码只能用一次）")


@jobs_cli.command("run")
@click.option("--once", is_flag=True, help="每个任务运行一次后退出")
@with_appcontext
def run_jobs(once):
    """Run the background jobs (one process; a second one idles)."""
    from .jobs.registry import load_all
    from .jobs.runner import run_forever, run_job_once

    if once:
        for job in load_all().values():
            click.echo(run_job_once(job))
        return
    run_forever(current_app._get_current_object())
    _ignore_late_signals()


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both end `serve` through one KeyboardInterrupt (even when started in background).

    systemd and Ctrl-C signal the whole process group, often twice (stop, then the terminal's second Ctrl-C): only
    the first interrupts; later ones are ignored while the server finishes its requests and stops the jobs process,
    so the stop never ends in a traceback halfway.
    """
    state = {"interrupted": False}

    def interrupt(*_args):
        if state["interrupted"]:
            return
        state["interrupted"] = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


class JobsSupervisor:
    """Runs `flask jobs run` beside the web server and restarts it if it dies."""

    def __init__(self):
        self.stopping = threading.Event()
        self.process = None
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self.stopping.is_set():
            self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run"])
            while self.process.poll() is None and not self.stopping.wait(1):
                pass
            # a signal to the process group reaches the jobs process too, often before the web process has said it
            # is stopping: only an exit not followed by a stop within a moment is unexpected
            if not self.stopping.wait(2):
                click.echo(f"后台任务进程意外退出（代码 {self.process.returncode}），5 秒后重启。", err=True)
                self.stopping.wait(3)

    def start(self):
        self.thread.start()

    def stop(self):
        """Ask the jobs process to stop (it finishes its job and frees the lease); kill it only past 15 s."""
        self.stopping.set()
        process = self.process
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.thread.join(timeout=5)


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"))
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int)
@click.option("--threads", default=None, type=int, help="waitress 工作线程数（默认 WEB_THREADS）")
@click.option("--jobs/--no-jobs", "with_jobs", default=True,
              help="同时运行后台任务进程（多个 web 进程时只让一个运行，或另用 flask jobs run）")
@with_appcontext
def serve_command(host, port, threads, with_jobs):
    """Serve the web app (waitress) and keep the jobs process running beside it; Ctrl-C stops both."""
    from waitress import serve

    app = current_app._get_current_object()
    threads = threads or app.config["WEB_THREADS"]
    _stop_on_signals()
    jobs = JobsSupervisor() if with_jobs else None
    if jobs:
        jobs.start()
    click.echo(f"原产地证申报系统: http://{host}:{port}  （{'后台任务进程已启动，' if jobs else ''}Ctrl-C 停止）")
    try:
        serve(app, host=host, port=port, threads=threads, ident="co")
    except KeyboardInterrupt:
        pass
    finally:
        if jobs:
            jobs.stop()
        click.echo("已停止 web 与后台任务进程。" if jobs else "已停止 web 进程。")
        _ignore_late_signals()


def _ignore_late_signals() -> None:
    """Once stopped, a signal still on its way (the second Ctrl-C) is ignored: Python restores the default handlers
    while it exits, and the process would otherwise end "killed by SIGINT" after a clean stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
