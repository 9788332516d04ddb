"""Worlds built once per test module, under a transaction rolled back at the module's end.

A world (a round loaded from its YAML file, its units, accounts and nominations walked through the
real workflow) costs far more than the test that reads it. `built_once()` builds it in a
transaction opened before the module's first test and rolled back after its last; each test then
runs in pytest-django's own transaction (a savepoint inside it: use the fixture together with
`db`), so what a test writes is undone before the next one, and the world it started from is
intact. `reloaded()` hands each test its own Python objects, read again from the database, so that
what a test changes in memory does not reach the next test either.

A module with a test that needs committed data (`transactional_db`, `live_server`,
`django_db(transaction=True)`: other connections, threads, servers) cannot run inside a
transaction left open, and a test that builds a world of its own, or asserts what the whole
database holds ("no campaign was written"), would find the module's world even if it does not use
it (mark it `@pytest.mark.world_per_test`): `module_builds_worlds_per_test()` tells the fixtures
to build the worlds per test in such a module.
"""
import contextlib
import copy

from django.db import models

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def assert_test_database():
    """Module-scoped fixtures unblock the database themselves: make sure it is the test database
    (pytest-django creates it only when a collected test is marked django_db)."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    assert "test" in name or "memory" in name, f"not a test database: {name} (mark the module's tests django_db)"


@contextlib.contextmanager
def built_once(django_db_blocker, **settings):
    """The database open to a module-scoped fixture, inside a transaction that is rolled back when
    the block ends, with these settings overridden meanwhile (MEDIA_ROOT for files the build writes)."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(**settings):
        assert_test_database()
        with transaction.atomic():
            yield
            transaction.set_rollback(True)


def is_transactional(item):
    """Whether pytest-django runs this test with committed data (TransactionTestCase)."""
    if TRANSACTIONAL_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


def module_builds_worlds_per_test(request):
    """Whether the requesting test's module must build its worlds per test: one of its collected
    tests runs with committed data, or is marked `world_per_test` (it builds its own world, or
    asserts what the whole database holds: a module's world stays in the database for every test
    of the module, also those that do not use it)."""
    module = request.module
    cache = request.config.__dict__.setdefault("_thidua_world_per_test_modules", {})
    if module not in cache:
        cache[module] = any(
            is_transactional(item) or item.get_closest_marker("world_per_test") is not None
            for item in request.session.items
            if getattr(item, "module", None) is module
        )
    return cache[module]


def reloaded(world):
    """A shallow copy of the world whose model instances (attributes, and values of its lists and
    dicts) are read again from the database: one query per model. Nominations come with their
    stage and round, as tests.nominations.conftest.refresh() gives them; the round's stages are
    those of stages_of() on the new round, as a list, as build_world() gives them."""
    from campaigns.models import Unit
    from nominations.models import Nomination
    from campaigns.stages import stages_of

    instances = {}

    def collect(value):
        if isinstance(value, models.Model):
            instances.setdefault(type(value), set()).add(value.pk)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    state = {name: value for name, value in vars(world).items() if name != "stages"}
    collect(state)
    fresh = {}
    for model, pks in instances.items():
        manager = model._base_manager
        if model is Nomination:
            manager = manager.select_related("stage", "round")
        elif model is Unit:  # as Unit.objects.create(category=..., parent=...) left them
            manager = manager.select_related("category", "parent")
        fresh[model] = manager.in_bulk(pks)

    def swap(value):
        if isinstance(value, models.Model):
            return fresh[type(value)][value.pk]
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        if isinstance(value, tuple):
            return tuple(swap(item) for item in value)
        return value

    copied = copy.copy(world)
    for name, value in state.items():
        setattr(copied, name, swap(value))
    copied.stages = list(stages_of(copied.round))
    return copied
