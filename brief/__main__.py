from brief.cli import run

run()
