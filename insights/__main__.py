import sys

from insights.cli import main

sys.exit(main())
