"""The core is pure: importing it loads nothing of the app, Flask or the database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).parents[2] / "scorecards" / "core"


def test_importing_the_core_loads_no_app_flask_or_database():
    modules = [f"scorecards.core.{path.stem}" for path in sorted(CORE.glob("*.py"))
               if path.stem != "__init__"]
    probe = (f"import sys; import {', '.join(modules)}; "
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('scorecards', 'flask', 'sqlalchemy', 'werkzeug') "
             "and not m.startswith('scorecards.core') and m != 'scorecards')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded == []
