"""`catalog build` in this process, with the plugin catalog's stage timed from outside:
catalog.plugins.build_plugin_outputs is wrapped where the build looks it up (catalog/
itself is not changed) and the seconds of each call are written as JSON to the file named
by the first argument. If the build calls it in another process, the list stays empty.

    python -m benchmarks.index_stage STAGE.json build --project P [--no-cache]
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import catalog.build  # noqa: F401  (loaded before patching, so its imported name is patched too)
import catalog.plugins as plugins
from catalog.cli import main as catalog_main


def main() -> int:
    stage_file = Path(sys.argv[1])
    original = plugins.build_plugin_outputs
    spent: list[float] = []

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    # wherever the build looks it up: the package, or a module that imported the name
    for module in [m for name, m in list(sys.modules.items()) if name.startswith("catalog")]:
        if getattr(module, "build_plugin_outputs", None) is original:
            module.build_plugin_outputs = timed
    try:
        return catalog_main(sys.argv[2:])
    finally:
        stage_file.write_text(json.dumps(spent))


if __name__ == "__main__":
    sys.exit(main())
