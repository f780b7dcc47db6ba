"""Allow ``python -m server``.

May import: cli.
"""

import sys

from server.cli import main

sys.exit(main())
