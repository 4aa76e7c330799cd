"""`python -m bench` (or `make bench`): the back-office benchmark, generating its data first when needed."""
import sys

from bench.bench_back_office import main

sys.exit(main())
