import sys

from claims.cli import main

sys.exit(main())
