"""The stack floor: the least a Typer command that reads a TOML profile can cost."""

import json
import sys
import tomllib
from pathlib import Path

import typer


def main(path: Path) -> None:
    with path.open("rb") as fh:
        sys.stdout.write(json.dumps(tomllib.load(fh), default=str) + "\n")


if __name__ == "__main__":
    typer.run(main)
