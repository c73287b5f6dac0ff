"""End to end: the shared acceptance script's ingest, analysis and model checks against a live server.

The script lives beside the repository (``../shared/acceptance/check_seeds.py``); a checkout without
it skips this one test and says so.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import ROOT

SCRIPT = ROOT.parent / "shared" / "acceptance" / "check_seeds.py"


@pytest.fixture
def live_server(seeded_app):
    """The seeded app served by werkzeug on a free 127.0.0.1 port in a thread."""
    server = make_server("127.0.0.1", 0, seeded_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(not SCRIPT.is_file(), reason=f"acceptance script {SCRIPT} is not in this checkout")
def test_acceptance_ingest_analysis_model(live_server):
    result = subprocess.run([sys.executable, str(SCRIPT), "--base", live_server, "--only", "ingest,analysis,model"],
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 failed" in result.stdout
