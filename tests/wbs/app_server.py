"""One app server of the many-servers test, run as its own process:
`python tests/wbs/app_server.py INSTANCE_FOLDER PORT` runs `survey-app serve --port PORT`.

Flask puts the instance folder next to the package; each server here gets its own, as two
machines would, so that anything one of them kept locally would be missing on the other.
"""

from __future__ import annotations

import sys

import flask

if __name__ == "__main__":
    instance, port = sys.argv[1], sys.argv[2]
    flask.Flask.auto_find_instance_path = lambda self: instance  # type: ignore[method-assign]
    from survey_app.cli import main

    main(["serve", "--host", "127.0.0.1", "--port", port], prog_name="survey-app")
