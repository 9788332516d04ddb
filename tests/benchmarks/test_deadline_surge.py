"""Deadline night (run by `make bench`, not by `make test`): many unit officers saving and
submitting at once against gunicorn and PostgreSQL on 127.0.0.1, and the reviewers of the next
stage approving what arrives, racing for the quota's places.

- The round: Ninh Thuận 2024 with SURGE_UNITS (default 220) extra units (Sở, ban, ngành), each
  with an officer, a registration, a draft collective nomination meeting every criterion and its
  council's vote, all made by the real services. Passwords use the production hasher (PBKDF2).
- The server: gunicorn (SURGE_WORKERS x SURGE_THREADS, default 4 x 4 gthread on this 2-core
  machine) with the production settings (DEBUG off, persistent database connections), the portal
  clock at 30/11/2024 20:00, the evening of the unit stage's deadline. With a Redis
  CELERY_BROKER_URL the transition e-mails are published to a queue of the run's own.
- The load, one virtual user per unit (asyncio + httpx, each with its own cookies), in three
  phases on the same server:
  1. everybody logs in at once (the login page, then the form; PBKDF2 at Django's 1,000,000
     iterations costs about 0.3-0.4 s of CPU per login, so this phase is measured on its own);
  2. the surge, SURGE_SECONDS (default 60): each officer, coming back at a random moment of the
     first SURGE_ARRIVAL_SECONDS (default 5), opens the edit form and saves it 1-3
     times with 0.2-1.5 s of thought, submits, then reloads the nomination's page until the time
     is up; SURGE_REVIEWERS (default 3) reviewers of Sở TT&TT judge and approve the nominations
     as they arrive, racing for the 5 places of "không quá 05 tập thể";
  3. the same users fetch a static file (STATIC_SECONDS, default 15): what the same server does
     when the application is out of the way.

Afterwards: every submission that answered success is in the database (in review), no quota is
exceeded, no answer was a 5xx. Figures: printed as a table and written to
tests/benchmarks/results/deadline_surge.json.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import platform
import random
import re
import time
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, transaction

from campaigns import clock
from campaigns.models import Membership, Role, Unit, UnitCategory
from criteria.models import CriterionKind
from criteria.selectors import criteria_for
from nominations import notifications
from nominations.models import CriterionValue, Nomination, NominationEvent, Registration, Status
from nominations.services import record_council_meeting, save_nomination
from campaigns.stages import stages_of
from nominations.quotas import quota_usage
from tests.nominations.conftest import attach_required_evidence, build_world, load
from tests.servers import Gunicorn, postgres_problem, redis_broker_problem, subprocess_database_url, wait_for_database_sessions_to_end

pytestmark = pytest.mark.django_db(transaction=True)
logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request would cost the load generator CPU

UNITS = int(os.environ.get("SURGE_UNITS", "220"))
SECONDS = float(os.environ.get("SURGE_SECONDS", "60"))
# Over how many seconds the officers come back to their drafts (each at a random moment of it).
ARRIVAL_SECONDS = float(os.environ.get("SURGE_ARRIVAL_SECONDS", "5"))
STATIC_SECONDS = float(os.environ.get("STATIC_SECONDS", "15"))
REVIEWERS = int(os.environ.get("SURGE_REVIEWERS", "3"))
WORKERS = int(os.environ.get("SURGE_WORKERS", "4"))
THREADS = int(os.environ.get("SURGE_THREADS", "4"))
PASSWORD = "Dem-Han-Chot-2024!"
DEADLINE_NIGHT = "2024-11-30T20:00"
STATIC_PATH = "/static/css/portal.css"
LOGINS = int(os.environ.get("SURGE_LOGINS", "40"))
TIMEOUT = 120  # seconds per request: a saturated server is measured, not cut off
QUOTA = 5  # "Bằng khen của Chủ tịch UBND tỉnh: không quá 05 tập thể"
RESULTS = Path(__file__).resolve().parent / "results" / (
    "deadline_surge.json" if ARRIVAL_SECONDS == 5 else f"deadline_surge_arrivals_{ARRIVAL_SECONDS:g}s.json"
)


# --- The round ---------------------------------------------------------------------------------


def criterion_values(criteria) -> dict:
    values = {}
    for criterion in criteria:
        if criterion.kind == CriterionKind.PERCENTAGE:
            values[criterion.pk] = {"number": 100}
        elif criterion.kind == CriterionKind.BOOLEAN:
            values[criterion.pk] = {"flag": True}
        else:
            values[criterion.pk] = {"text": "Phần mềm số hóa hồ sơ của đơn vị"}
    return values


def form_data(nomination, criteria, summary: str) -> dict:
    data = {
        "kind": "collective", "nominee_unit": str(nomination.nominee_unit_id), "award_form": str(nomination.award_form_id),
        "achievement_summary": summary, "eligibility_declared": "on", "save": "1",
    }
    for criterion in criteria:
        name = f"tc_{criterion.pk}"
        if criterion.kind == CriterionKind.PERCENTAGE:
            data[name] = random.choice(["100", "100,0", "100,00"])
        elif criterion.kind == CriterionKind.BOOLEAN:
            data[name] = "yes"
        else:
            data[name] = "Phần mềm số hóa hồ sơ của đơn vị"
    return data


def build_round():
    """(officers [(username, nomination id, POST data)], reviewers [username], pending value by nomination id)."""
    load("ninh-thuan-2024.yaml")
    world = build_world("ninh-thuan-2024", "nam-2024", [])
    round_ = world.round
    stage = stages_of(round_).first
    province = round_.campaign.issuer
    category = UnitCategory.objects.get(code="so_ban_nganh")
    award_form = round_.award_forms.get()
    criteria = list(criteria_for(round_=round_, nominee_kind="collective", category=category, award_form=award_form))
    password = PBKDF2PasswordHasher().encode(PASSWORD, "dem-han-chot-salt")  # the server's hasher, computed once
    User = get_user_model()
    officers, pending = [], {}
    with clock.frozen_at(world.at_stage(1, days_before=5)), notifications.muted(), transaction.atomic():
        for index in range(UNITS):
            unit = Unit.objects.create(code=f"so-thu-{index:03d}", name=f"Sở thử tải số {index:03d} tỉnh Ninh Thuận",
                                       category=category, level="tinh", parent=province)
            user = User.objects.create(username=f"can-bo-{index:03d}", password=password, email=f"can-bo-{index:03d}@example.vn")
            Membership.objects.create(user=user, unit=unit, role=Role.UNIT_OFFICER)
            Registration.objects.create(round=round_, unit=unit, pledge="Số hóa hồ sơ", registered_at=clock.now(), registered_by=user)
            data = {"kind": "collective", "nominee_unit": unit, "award_form": award_form, "achievement_summary": "Bản nháp",
                    "eligibility_declared": True, "full_name": "", "gender": "", "birth_year": None, "position": "", "person_identifier": ""}
            nomination = save_nomination(actor=user, round_=round_, proposing_unit=unit, data=data, values=criterion_values(criteria))
            world.users[f"officer:{unit.code}"] = user
            attach_required_evidence(world, nomination)  # the files "Gửi hồ sơ" needs (nominations.guards_evidence)
            record_council_meeting(
                actor=user, stage=stage, unit=unit,
                data={"date": stage.deadline - dt.timedelta(days=6), "start_time": dt.time(8), "end_time": dt.time(10),
                      "place": "Hội trường", "chair": "Chủ tịch HĐ", "secretary": "Thư ký HĐ",
                      "members_total": 9, "members_present": 9, "written_opinions": 0},
                votes={nomination.pk: 9},
            )
            officers.append((user.get_username(), nomination.pk, form_data(nomination, criteria, "Bản nháp")))
            pending[nomination.pk] = CriterionValue.objects.filter(nomination=nomination, status="pending").values_list("pk", flat=True).first()
        reviewer_unit = stages_of(round_).reviewing[0].organisation
        reviewers = []
        for index in range(REVIEWERS):
            user = User.objects.create(username=f"xet-duyet-{index}", password=password)
            Membership.objects.create(user=user, unit=reviewer_unit, role=Role.REVIEWER)
            reviewers.append(user.get_username())
    return round_, officers, reviewers, pending


# --- The load ------------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.latencies = defaultdict(list)  # kind → [seconds]
        self.statuses = defaultdict(lambda: defaultdict(int))
        self.errors = defaultdict(list)  # kind → [message]
        self.started = self.ended = 0.0

    def record(self, kind, seconds, status):
        self.latencies[kind].append(seconds)
        self.statuses[kind][status] += 1

    def error(self, kind, message):
        self.errors[kind].append(message)


async def timed(stats, kind, call, *, expect=(200, 302)):
    started = time.perf_counter()
    try:
        response = await call()
    except Exception as error:  # noqa: BLE001 - a timeout or a reset is an error of the run
        stats.record(kind, time.perf_counter() - started, type(error).__name__)
        stats.error(kind, f"{type(error).__name__}: {error}")
        return None
    stats.record(kind, time.perf_counter() - started, response.status_code)
    if response.status_code not in expect:
        stats.error(kind, f"HTTP {response.status_code}")
    return response


def csrf(client) -> str:
    return client.cookies.get("csrftoken", "")


async def log_in(client, stats, username) -> bool:
    await timed(stats, "GET login page", lambda: client.get("/tai-khoan/dang-nhap/"), expect=(200,))
    response = await timed(stats, "POST login", lambda: client.post(
        "/tai-khoan/dang-nhap/", data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(client)},
    ))
    ok = response is not None and response.status_code == 302
    if response is not None and not ok:
        stats.error("POST login", f"{username}: login refused ({response.status_code})")
    return ok


async def officer(client, stats, username, nomination_id, data, end, submitted, arrivals):
    await asyncio.sleep(random.uniform(0, ARRIVAL_SECONDS))  # officers come back to their drafts over the first seconds
    edit, detail = f"/ho-so/{nomination_id}/sua/", f"/ho-so/{nomination_id}/"
    for attempt in range(random.randint(1, 3)):
        if time.monotonic() > end:
            return
        await timed(stats, "GET edit form", lambda: client.get(edit), expect=(200,))
        await asyncio.sleep(random.uniform(0.2, 1.5))
        body = {**data, "achievement_summary": f"Thành tích năm 2024, bản {attempt + 1}", "csrfmiddlewaretoken": csrf(client)}
        response = await timed(stats, "POST save draft", lambda: client.post(edit, data=body))
        if response is not None and (response.status_code != 302 or response.headers.get("location") != detail):
            stats.error("POST save draft", f"{username}: not saved ({response.status_code} → {response.headers.get('location')})")
    if time.monotonic() > end:
        return
    response = await timed(stats, "POST submit", lambda: client.post(f"/ho-so/{nomination_id}/gui/", data={"csrfmiddlewaretoken": csrf(client)}))
    if response is None:
        return
    page = await timed(stats, "GET detail", lambda: client.get(detail), expect=(200,))
    if page is not None and "Đã gửi hồ sơ đến bước" in page.text:
        submitted.add(nomination_id)
        arrivals.put_nowait(nomination_id)
    elif page is not None:
        stats.error("POST submit", f"{username}: no success message")
    while time.monotonic() < end:  # an anxious officer reloads the page
        await asyncio.sleep(random.uniform(5, 10))
        await timed(stats, "GET detail", lambda: client.get(detail), expect=(200,))


async def reviewer(client, stats, pending, arrivals, approvals, enough):
    """Judge and approve what arrives, until the officers are done (None) or the race for the
    places has been run: every place taken and each reviewer refused by the quota at least once."""
    while True:
        nomination_id = await arrivals.get()
        if nomination_id is None or enough():
            return
        value_id = pending.get(nomination_id)
        token = {"csrfmiddlewaretoken": csrf(client)}
        if value_id:
            await timed(stats, "POST judge", lambda: client.post(
                f"/xet/ho-so/{nomination_id}/tieu-chi/{value_id}/danh-gia/", data={**token, f"tc{value_id}-judgement": "met"},
            ))
        response = await timed(stats, "POST approve", lambda: client.post(f"/xet/ho-so/{nomination_id}/chap-thuan/", data=token))
        if response is None:
            continue
        page = await timed(stats, "GET detail", lambda: client.get(response.headers.get("location", f"/ho-so/{nomination_id}/")), expect=(200,))
        text = page.text if page is not None else ""
        if "Đã chấp thuận hồ sơ" in text:
            approvals["approved"].append(nomination_id)
        elif "Vượt số lượng khen thưởng" in text:
            approvals["refused by quota"].append(nomination_id)
        else:
            approvals["other"].append(nomination_id)


async def static_user(client, stats, end):
    while time.monotonic() < end:
        await timed(stats, "GET static file", lambda: client.get(STATIC_PATH), expect=(200, 304))


async def run_load(base_url, officers, reviewers, pending, sessions):
    """Three phases on the same server: LOGINS officers and the reviewers log in through the form
    all at once (the others already have a session: `sessions`, opened earlier in the evening),
    the timed surge, then the static file at the same concurrency."""
    import httpx

    login, surge, static = Stats(), Stats(), Stats()
    submitted, approvals, arrivals = set(), defaultdict(list), asyncio.Queue()
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=2)
    async with contextlib.AsyncExitStack() as stack:
        clients = {}

        async def client_for(username):
            cookies = {settings.SESSION_COOKIE_NAME: sessions[username]} if username in sessions else None
            return await stack.enter_async_context(httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT, limits=limits, cookies=cookies))

        async def log_in_one(username):
            client = await client_for(username)
            await asyncio.sleep(random.uniform(0, 2))
            if await log_in(client, login, username):
                clients[username] = client

        for username in sessions:
            clients[username] = await client_for(username)
        login.started = time.monotonic()
        await asyncio.gather(*(log_in_one(u) for u in [o[0] for o in officers] + reviewers if u not in sessions))
        login.ended = surge.started = time.monotonic()
        end = surge.started + SECONDS
        def enough():
            return len(approvals["approved"]) >= QUOTA and len(approvals["refused by quota"]) >= len(reviewers)

        reviewing = asyncio.gather(*(reviewer(clients[u], surge, pending, arrivals, approvals, enough) for u in reviewers if u in clients))
        await asyncio.gather(*(officer(clients[u], surge, u, n, d, end, submitted, arrivals) for u, n, d in officers if u in clients))
        for _ in reviewers:
            arrivals.put_nowait(None)  # the officers are done: the reviewers finish what arrived
        await reviewing
        surge.ended = static.started = time.monotonic()
        end = static.started + STATIC_SECONDS
        await asyncio.gather(*(static_user(client, static, end) for client in list(clients.values())[: len(officers)]))
        static.ended = time.monotonic()
    return login, surge, static, submitted, approvals


def open_sessions(usernames) -> dict:
    """Sessions opened through django.contrib.auth.login (the same rows the login view writes),
    for the officers who logged in earlier in the evening."""
    from django.test import Client

    User = get_user_model()
    sessions = {}
    for user in User.objects.filter(username__in=usernames):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        sessions[user.get_username()] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


# --- Figures ---------------------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def is_timeout(message: str) -> bool:
    return message.startswith(("ReadTimeout", "WriteTimeout", "ConnectTimeout", "PoolTimeout"))


def summarise(stats: Stats) -> dict:
    elapsed = stats.ended - stats.started
    rows = {}
    everything = []
    for kind, values in sorted(stats.latencies.items()):
        everything += values
        rows[kind] = {
            "requests": len(values), "per_second": round(len(values) / elapsed, 1),
            "p50_ms": round(1000 * percentile(values, 0.50)), "p95_ms": round(1000 * percentile(values, 0.95)),
            "p99_ms": round(1000 * percentile(values, 0.99)), "max_ms": round(1000 * max(values)),
            "errors": len(stats.errors.get(kind, [])), "timeouts": sum(map(is_timeout, stats.errors.get(kind, []))),
            "statuses": {str(k): v for k, v in stats.statuses[kind].items()},
        }
    total = {
        "requests": len(everything), "per_second": round(len(everything) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(1000 * percentile(everything, 0.50)) if everything else 0,
        "p95_ms": round(1000 * percentile(everything, 0.95)) if everything else 0,
        "p99_ms": round(1000 * percentile(everything, 0.99)) if everything else 0,
        "max_ms": round(1000 * max(everything)) if everything else 0,
        "errors": sum(len(v) for v in stats.errors.values()), "seconds": round(elapsed, 1),
    }
    return {"by_request": rows, "total": total, "error_samples": {k: v[:5] for k, v in stats.errors.items()}}


def print_table(title, summary):
    print(f"\n{title}")
    print(f"  {'request':<20} {'count':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>7}")
    for kind, row in list(summary["by_request"].items()) + [("ALL", summary["total"])]:
        print(f"  {kind:<20} {row['requests']:>7} {row['per_second']:>7} {row['p50_ms']:>7} {row['p95_ms']:>7} {row['p99_ms']:>7} {row['max_ms']:>7} {row['errors']:>7}")


# --- The test ---------------------------------------------------------------------------------------


def test_deadline_surge_officers_submit_reviewers_race_quota_holds(tmp_path):
    problem = postgres_problem()
    if problem:
        pytest.skip(f"deadline surge {problem}")
    pytest.importorskip("httpx", reason="httpx is pinned in the test extras: pip install -e '.[test]'")
    built = time.perf_counter()
    round_, officers, reviewers, pending = build_round()
    built = time.perf_counter() - built
    print(f"\nRound built through the services: {len(officers)} units, officers, drafts and council votes in {built:.1f} s")

    static_root = tmp_path / "static"
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    sessions = open_sessions([username for username, _, _ in officers[LOGINS:]])
    env = {
        # The same secret key as this process: the sessions opened here are valid there.
        "DEBUG": "0", "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": "http://127.0.0.1:8000",
        "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": subprocess_database_url(), "DB_CONN_MAX_AGE": "60",
        "PORTAL_NOW": DEADLINE_NIGHT, "STATIC_ROOT": str(static_root), "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "LOG_LEVEL": "WARNING",
        "TEST_CELERY_QUEUE": queue, "CELERY_BROKER_URL": "" if redis_broker_problem() else settings.CELERY_BROKER_URL,
        "REDIS_URL": "",
    }
    import subprocess
    import sys

    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=Path(__file__).resolve().parents[2],
                   env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "tests.settings_server"}, check=True)
    # keep-alive longer than any pause of a virtual user: a connection closed by the server just as
    # the client reuses it is a client-side race (a browser retries), not an answer of the portal.
    server = Gunicorn(env=env, workers=WORKERS, threads=THREADS, settings_module="tests.settings_server",
                      log_path=tmp_path / "gunicorn.log", keep_alive=75)
    try:
        with server:
            login, stats, static, submitted, approvals = asyncio.run(run_load(server.url, officers, reviewers, pending, sessions))
            server_errors = [line for line in server.log(100000).splitlines() if re.search(r" 5\d\d \d+ms$", line) or "Traceback" in line]
    finally:
        wait_for_database_sessions_to_end()
        if env["CELERY_BROKER_URL"]:
            import redis

            client = redis.Redis.from_url(env["CELERY_BROKER_URL"])
            queued = client.llen(queue)
            client.delete(queue, f"_kombu.binding.{queue}")
            print(f"Transition e-mail messages published to the run's queue: {queued} (deleted)")

    login_summary, surge_summary, static_summary = summarise(login), summarise(stats), summarise(static)
    logins = len(officers) + len(reviewers) - len(sessions)
    print_table(f"Logins through the form: {logins} users at once (production hasher: PBKDF2, 1,000,000 iterations); "
                f"{len(sessions)} officers already signed in", login_summary)
    print_table(f"Deadline surge: {len(officers)} officers + {len(reviewers)} reviewers, {SECONDS:.0f} s (arriving over {ARRIVAL_SECONDS:g} s), gunicorn {WORKERS}x{THREADS} on {os.cpu_count()} CPUs, PostgreSQL", surge_summary)
    print_table(f"Same server, static file {STATIC_PATH}, {len(officers)} users, {STATIC_SECONDS:.0f} s", static_summary)

    # --- What the database says --------------------------------------------------------------------
    nominations = {n.pk: n for n in Nomination.objects.filter(round=round_).select_related("stage")}
    lost = sorted(pk for pk in submitted if nominations[pk].status != Status.IN_REVIEW)
    submit_events = NominationEvent.objects.filter(nomination__round=round_, action="submit").count()
    in_review = sum(1 for n in nominations.values() if n.status == Status.IN_REVIEW)
    usage = [
        {"rule": row.rule.code, "past_stage": order, "used": row.used, "limit": row.limit}
        for order in (2, 3, 4) for row in quota_usage(round_, past_stage_order=order)
    ]
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "database": connection.vendor, "celery": "redis broker" if env["CELERY_BROKER_URL"] else "eager",
        "server": {"gunicorn_workers": WORKERS, "threads": THREADS, "worker_class": "gthread"},
        "round": {"units": len(officers), "reviewers": len(reviewers), "built_seconds": round(built, 1)},
        "logins_through_the_form": logins, "already_signed_in": len(sessions), "surge_seconds": SECONDS,
        "arrival_seconds": ARRIVAL_SECONDS,
        "login": login_summary, "surge": surge_summary, "static": static_summary,
        "outcome": {
            "submissions_answered_success": len(submitted), "in_review_in_database": in_review, "submit_events": submit_events,
            "success_but_not_in_review": lost, "approved": len(approvals["approved"]),
            "refused_by_quota": len(approvals["refused by quota"]), "approve_other": len(approvals["other"]),
            "quota_usage": usage, "server_5xx_or_tracebacks": len(server_errors),
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nSubmitted (answered success): {len(submitted)}; in review in the database: {in_review}; "
          f"approved at stage 2: {len(approvals['approved'])}, refused by quota: {len(approvals['refused by quota'])}, "
          f"other: {len(approvals['other'])}")
    for row in usage:
        print(f"  quota {row['rule']} past stage {row['past_stage']}: {row['used']}/{row['limit']}")
    print(f"Figures written to {RESULTS.relative_to(Path(__file__).resolve().parents[2])}")

    assert not server_errors, "5xx answers or tracebacks in the server log:\n" + "\n".join(server_errors[:20])
    assert not lost, f"submissions answered success but not in review: {lost}"
    assert all(row["used"] <= row["limit"] for row in usage), usage
    assert len(approvals["approved"]) <= 5
    # Client timeouts are reported (the server was saturated, not wrong); any other error fails.
    wrong = [f"{kind}: {m}" for phase in (login, stats, static) for kind, messages in phase.errors.items()
             for m in messages if not is_timeout(m)]
    assert not wrong, wrong[:20]
    assert len(submitted) >= 1
    assert submit_events == in_review, "every nomination in review was submitted exactly once"
