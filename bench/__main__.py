"""`python -m bench` (or `make bench`): member, public and back-office pages beside the floor, in one run,
generating the data first when needed (bench/bench_member_pages.py)."""
import sys

from bench.bench_member_pages import main

sys.exit(main())
