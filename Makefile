# Cổng thi đua chuyển đổi số: two commands, `make demo` and `make test`.
#
#   make demo          embedded SQLite under var/, Celery eager; http://127.0.0.1:8000/
#   make test          the whole suite (honours DATABASE_URL, CELERY_BROKER_URL, REDIS_URL)
#   make test PYTEST_ARGS="-k quota -x"
#   make bench         tests/benchmarks (kept out of the normal suite)
#   make clean         caches, var/ (demo database, media); `make distclean` also .venv

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core, at most 4 (each has its own test database and Redis
# databases, config/settings_test.py); TEST_WORKERS=0 runs the suite in this one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 4 ? n : 4 )))
DEMO_ADDR ?= 127.0.0.1:8000

.PHONY: help venv install sysdeps sysdeps-test sysdeps-bench demo test bench clean distclean

help:
	@echo "make demo   - cài đặt, nạp dữ liệu mẫu, chạy http://$(DEMO_ADDR)/  (install, load demo data, run)"
	@echo "make test   - chạy toàn bộ kiểm thử / run the whole test suite  (PYTEST_ARGS=...)"
	@echo "make bench  - chạy benchmark / run the benchmarks"
	@echo "make clean  - xoá tệp sinh ra / remove generated files"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml is newer than the stamp, so re-runs are fast.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

venv install: $(STAMP)

sysdeps:
	@bash config/check_system.sh

sysdeps-test:
	@bash config/check_system.sh --test

# The demo runs as production does (DEBUG off: the portal's own error pages, static files served by
# WhiteNoise from collectstatic's copy), over plain http on this machine: no redirect to https, no
# secure-only cookies, no HSTS. Its secret key is made once and kept under VAR_DIR. ALLOWED_HOSTS and
# SITE_URL default to DEMO_ADDR's host and address (set them to serve the demo under another name).
DEMO_HOST := $(firstword $(subst :, ,$(DEMO_ADDR)))
DEMO_KEY = "$${VAR_DIR:-var}/demo-secret-key"
DEMO_ENV = DEBUG=0 SECRET_KEY="$$(cat $(DEMO_KEY))" ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost,$(DEMO_HOST)}" \
	SITE_URL="$${SITE_URL:-http://$(DEMO_ADDR)}" SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0

demo: $(STAMP) sysdeps
	@mkdir -p "$${VAR_DIR:-var}"
	@test -s $(DEMO_KEY) || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $(DEMO_KEY)
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_campaigns
	$(DEMO_ENV) $(PY) manage.py load_demo
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(PY) manage.py runserver $(DEMO_ADDR)

test: $(STAMP) sysdeps-test
	@mkdir -p "$${VAR_DIR:-var}"
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# pytest exits 5 when it collects nothing: no benchmark yet is not a failure. The benchmarks run on
# the embedded default (SQLite); with BENCH_DATABASE_URL (postgres://...) the list pages under load
# run once more on PostgreSQL, and the last table shows both databases side by side.
bench: $(STAMP) sysdeps-bench
	@mkdir -p "$${VAR_DIR:-var}"
	@rc=0; $(PY) -m pytest tests/benchmarks -s -p no:cacheprovider --override-ini addopts= $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "Chưa có benchmark nào / no benchmarks yet"; rc=0; fi; \
	if [ $$rc -eq 0 ] && [ -n "$${BENCH_DATABASE_URL:-}" ]; then \
		DATABASE_URL="$$BENCH_DATABASE_URL" $(PY) -m pytest tests/benchmarks/test_list_throughput.py -s -p no:cacheprovider \
			--override-ini addopts= $(PYTEST_ARGS) || rc=$$?; \
	fi; \
	$(PY) -m tests.benchmarks.table; exit $$rc

sysdeps-bench:
	@bash config/check_system.sh --bench

clean:
	rm -rf var/ .pytest_cache/ .hypothesis/ tests/artifacts/
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) *.egg-info
