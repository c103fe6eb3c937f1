# The two commands of the README:
#   make up     - the whole chain locally (installs what is missing, Ctrl-C stops it)
#   make test   - every test, on real Kafka, PostgreSQL and Keycloak (started here if needed)
PYTHON := .venv/bin/python

.PHONY: up test install infra kafka-postgres browser apilint stop-infra unit bench chaos faults clean

up: install
	deploy/local/up.sh

# Two pytest runs (docs/adr/0056): the unit, contract and integration tests on three
# workers, which they keep busy while each waits on PostgreSQL, Kafka or a subprocess; then
# every other test (end-to-end, faults, production check) one at a time, since each
# starts a whole chain. Both always run; the target fails if either failed or ran nothing.
FAST_TESTS := tests/unit tests/contract tests/integration

test: install infra browser apilint
	$(PYTHON) -m pytest -n 3 $(FAST_TESTS); fast=$$?; \
	$(PYTHON) -m pytest --production-check $(addprefix --ignore=,$(FAST_TESTS)); chains=$$?; \
	echo "make test: unit, contract and integration exit $$fast; end-to-end and the rest exit $$chains"; \
	test $$fast -eq 0 -a $$chains -eq 0

unit: install apilint
	$(PYTHON) -m pytest tests/unit tests/contract

install: .venv/.installed

.venv/.installed: pyproject.toml
	deploy/local/install.sh
	touch $@

infra: kafka-postgres
	deploy/keycloak/start.sh

# What the benchmarks need. They use API keys, not Keycloak, whose start-up would show
# in the machine's figures of a benchmark run just after.
kafka-postgres:
	deploy/kafka/start.sh
	deploy/postgres/start.sh

browser:
	deploy/local/install-browser.sh

apilint:
	deploy/local/install-apilint.sh

stop-infra:
	-deploy/kafka/stop.sh
	-deploy/postgres/stop.sh
	-deploy/keycloak/stop.sh

bench: install kafka-postgres
	$(PYTHON) -m tests.benchmarks.bench_signal_latency
	$(PYTHON) -m tests.benchmarks.bench_chain

clean: stop-infra
	rm -rf .run .venv

chaos: install infra
	$(PYTHON) -m tests.chaos.run_chaos

# Outages of 5 s, 60 s and 5 minutes of every service's database and of the register
# while signals stream; one line per fault; non-zero exit when anything was lost.
faults: install infra
	$(PYTHON) -m tests.faults.run_faults

# The deployed shape, proven: Keycloak, three brokers, PostgreSQL, two instances of every
# service in production, the README's stories, 2,000 signals through kill -9s (tests/production/check.py).
.PHONY: production-check
production-check: install browser
	$(PYTHON) -m tests.production.check
