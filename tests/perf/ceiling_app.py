"""The ceiling of bench_v1.py: a bare Flask app with one ``jsonify`` view.

Served by gunicorn with the same settings as the real app, in the same run, so the
v1 figures can be read as a fraction of what Flask plus gunicorn can do on this
machine at all. Not part of the production app.
"""

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/ceiling/")
def ceiling():
    return jsonify({"status": "valid", "user": "bench"})
