"""The built wheel runs on its own: templates, migrations, rubrics, static files, translations."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Return the Python of a fresh venv holding the built wheel and nothing else of ours."""
    folder = tmp_path_factory.mktemp("wheel")
    # No build isolation: the build tools come from this environment, so nothing is downloaded.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(folder / "dist"), str(ROOT)],
                   check=True, cwd=folder)
    (wheel,) = (folder / "dist").glob("scorecards-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / "venv")],
                   check=True)
    python = folder / "venv" / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path("
                                "'purelib'))"], capture_output=True, text=True,
                               check=True).stdout.strip())
    # The dependencies come from this environment's folder, after the venv's own: a plain path
    # line, so this environment's editable finder for the checkout is not loaded.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True)
    return python


def _run(python: Path, folder: Path, *args: str) -> str:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("SCORECARDS_") and key not in (
                       "DATABASE_URL", "REDIS_URL", "PYTHONPATH")}
    environment.update(SCORECARDS_INSTANCE_PATH=str(folder / "instance"),
                       SCORECARDS_JOBS_BACKEND="inline")
    done = subprocess.run([python, *args], cwd=folder, env=environment, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_installed_package_migrates_checks_rubrics_and_serves_from_anywhere(installed,
                                                                                 tmp_path):
    where = _run(installed, tmp_path, "-c", "import scorecards; print(scorecards.__file__)")
    assert not where.startswith(str(ROOT)), where
    _run(installed, tmp_path, "-m", "flask", "--app", "scorecards:create_app", "db", "upgrade")
    assert (tmp_path / "instance" / "scorecards.db").exists()
    assert (tmp_path / "instance" / "secret_key").exists()
    checked = _run(installed, tmp_path, "-m", "flask", "--app", "scorecards:create_app",
                   "rubrics", "check")
    assert checked.strip() == "All rubric and loop files are valid."
    served = _run(installed, tmp_path, "-c", (
        "from pathlib import Path\n"
        "from scorecards import create_app\n"
        "app = create_app()\n"
        "page, css = app.test_client().get('/sign-in'), app.test_client().get('/static/app.css')\n"
        "print(page.status_code, css.status_code, b'</form>' in page.data)\n"
        "print(app.template_folder)\n"
        "print(len(list(Path(app.config['RUBRICS_DIR']).glob('loops/*.yaml'))))\n"
        "swedish = app.test_client().get('/sign-in', headers={'Accept-Language': 'sv'})\n"
        "print('<h1>Logga in</h1>' in swedish.text)\n"))
    statuses, templates, loops, swedish = served.splitlines()
    assert statuses.split() == ["200", "200", "True"]
    assert templates.startswith(str(installed.parent.parent)), templates
    assert int(loops) >= 1
    assert swedish == "True"
