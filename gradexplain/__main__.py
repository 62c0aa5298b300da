"""python -m gradexplain"""

from gradexplain.cli import run

run()
