.PHONY: install check format lint typecheck test bench demo

install:
	python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[dev]"

format:
	ruff format src tests bench

lint:
	ruff check src tests bench
	lint-imports

typecheck:
	mypy

test:
	python -m pytest

check: format lint typecheck test

bench:
	python bench/bench_import.py --words 1000000

demo:
	coder demo
