"""gradexplain's version, in one place: pyproject reads it (setuptools), and so do the package
and `gradexplain --version`, which must not import the package to say it."""

__version__ = "0.1.0"
