"""Entry point: ``hemscore`` and ``python -m hemscore``.

``--version`` is answered here, before the CLI (Typer, pydantic) is imported.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from hemscore._version import __version__

        sys.stdout.write(f"hemscore {__version__}\n")
        return 0
    from hemscore.cli.app import run

    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
