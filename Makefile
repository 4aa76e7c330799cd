# Ghurfa: `make run` starts the portal, `make test` runs the tests.
.PHONY: setup run test bench

setup:
	@bash scripts/setup.sh

run: setup
	.venv/bin/python run.py

test: setup
	bash scripts/test.sh

bench: setup
	.venv/bin/python -m bench
