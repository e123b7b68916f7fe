import sys

from scripts.validate.command import main

sys.exit(main())
