"""The script spark-submit runs: `spark-submit [spark options] .../newsweave/spark/submit.py INPUT... --out DIR`.

It takes the arguments of `newsweave spark` and keeps the master and settings spark-submit gives.
"""

import sys

from newsweave.cli import main

if __name__ == "__main__":
    sys.exit(main(["spark", "--master", "", *sys.argv[1:]]))
