"""``python -m rag_territoires.cli``."""

import sys

from rag_territoires.cli import main

sys.exit(main())
