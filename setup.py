"""Build hook: the installed package carries the templates, rubrics and migrations.

They stay at the top of the repository, where people edit them; building copies them into
``scorecards/`` so that an installed copy runs from any folder (``config.data_dir`` looks
there first). The rest of the build is declared in pyproject.toml.
"""

from pathlib import Path
from shutil import copytree, ignore_patterns

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ("templates", "rubrics", "migrations")


class BuildWithData(build_py):
    """Build the Python files, then copy the data folders into the built package."""

    def run(self):
        """Copy each data folder into the package being built."""
        super().run()
        if self.editable_mode:  # an editable install reads them from the checkout
            return
        for name in DATA_FOLDERS:
            copytree(ROOT / name, Path(self.build_lib) / "scorecards" / name,
                     ignore=ignore_patterns("__pycache__", "*.pyc"), dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
