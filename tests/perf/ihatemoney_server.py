"""ihatemoney 7 beside SpendSense in bench_projects.py: the same project served by the
real ihatemoney from PyPI, under the same gunicorn settings.

ihatemoney lives in a venv of its own, never in setup.cfg:

    python3 -m venv /tmp/ihm-venv && /tmp/ihm-venv/bin/pip install ihatemoney==7.2.1 gunicorn

Its project is created through its own API (project, then the 50 members, in process
with its test client), and its bills written straight into its SQLite tables with the
same payers, owers and amounts as SpendSense's. The project has no currency ("XXX"):
with one, ihatemoney's currency converter would fetch rates from the network.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.perf.bench_v1 import Server, free_port

VERSION = "7.2.1"
SETTINGS = """SQLALCHEMY_DATABASE_URI = 'sqlite:///{db}'
SQLALCHEMY_TRACK_MODIFICATIONS = False
SECRET_KEY = 'bench-secret'
MAIL_DEFAULT_SENDER = 'Bench <bench@example.com>'
ACTIVATE_DEMO_PROJECT = False
ADMIN_PASSWORD = ''
ALLOW_PUBLIC_PROJECT_CREATION = True
ACTIVATE_ADMIN_DASHBOARD = False
ENABLE_CAPTCHA = False
"""
# Run by the venv's python: the project and its members through ihatemoney's API.
CREATE = """
import json, sys
from ihatemoney.run import create_app
project, code, members = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
client = create_app().test_client()
made = client.post("/api/projects", data={"name": "Bench", "id": project, "password": code,
                                         "contact_email": "bench@example.com", "default_currency": "XXX"})
assert made.status_code == 201, made.data
auth = {"Authorization": "Basic " + __import__("base64").b64encode(f"{project}:{code}".encode()).decode()}
ids = []
for name, weight in members:
    answer = client.post(f"/api/projects/{project}/members", data={"name": name, "weight": weight}, headers=auth)
    assert answer.status_code == 201, answer.data
    ids.append(json.loads(answer.data))
print(json.dumps(ids))
"""
INSERT_BILL = ("INSERT INTO bill (id, payer_id, amount, date, what, creation_date, external_link, converted_amount, "
               "original_currency, bill_type) VALUES (?,?,?,?,?,?,'',?,'XXX',?)")


def venv_python(venv):
    """The venv's python when ihatemoney and gunicorn are installed in it, else None."""
    python, gunicorn = Path(venv) / "bin" / "python", Path(venv) / "bin" / "gunicorn"
    if not (python.exists() and gunicorn.exists()):
        return None
    found = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('ihatemoney'))"],
                           capture_output=True, text=True, check=False)
    return python if found.returncode == 0 else None


def prepare(venv, workdir, project, code, members, bills):
    """The settings file of an ihatemoney holding ``bills`` ((payer index, [ower indexes],
    minor units, day, what, kind) in SpendSense's order) for ``members`` [(name, weight)]."""
    db_path = Path(workdir) / "ihatemoney.sqlite3"
    settings = Path(workdir) / "ihatemoney.cfg"
    settings.write_text(SETTINGS.format(db=db_path), encoding="utf-8")
    made = subprocess.run([str(Path(venv) / "bin" / "python"), "-c", CREATE, project, code, json.dumps(members)],
                          capture_output=True, text=True, env=_env(settings), cwd=workdir, timeout=300, check=False)
    if made.returncode != 0:
        raise RuntimeError(f"ihatemoney project creation failed:\n{made.stderr[-3000:]}")
    ids = json.loads(made.stdout.strip().splitlines()[-1])
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(INSERT_BILL, (
            (bill_id, ids[payer], amount / 100, day, what, day, amount / 100,
             "REIMBURSEMENT" if kind == "Reimbursement" else "EXPENSE")
            for bill_id, (payer, _owers, amount, day, what, kind) in enumerate(bills, 1)))
        connection.executemany("INSERT INTO billowers (bill_id, person_id) VALUES (?, ?)", (
            (bill_id, ids[ower]) for bill_id, (_payer, owers, *_rest) in enumerate(bills, 1) for ower in owers))
        connection.execute("COMMIT")
    finally:
        connection.close()
    return settings


def _env(settings):
    return {**os.environ, "IHATEMONEY_SETTINGS_FILE_PATH": str(settings), "PYTHONPATH": ""}


class IhatemoneyServer(Server):
    """ihatemoney's gunicorn with SpendSense's flags (bench_v1.Server's)."""

    def __init__(self, venv, settings, workdir, workers, project):
        self.port = free_port()
        self.ready_path, self.ready_status = f"/api/projects/{project}", 401
        self.log_path = Path(workdir) / f"gunicorn-ihatemoney-{self.port}.log"
        self.log = open(self.log_path, "w", encoding="utf-8")
        command = [str(Path(venv) / "bin" / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                   "--timeout", "120", "--graceful-timeout", "5", "ihatemoney.wsgi:application"]
        self.process = subprocess.Popen(command, cwd=workdir, env=_env(settings), stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)


def worker_memory(server):
    """(peak, current) resident MB of the largest of the server's gunicorn workers."""
    peaks, now = [], []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(server.process.pid):
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
            now.append(int(fields["VmRSS"].split()[0]) / 1024)
    if not peaks:
        print("[bench] no gunicorn worker found", file=sys.stderr)
        return None, None
    return round(max(peaks), 1), round(max(now), 1)
