"""Importing bank statements: upload, CSV column mapping, preview, import, revert.

An upload waits on disk (services/io/uploads.py) until it is confirmed. Every step
after the upload reads the file again from there, so no page keeps state in the
session. A large file is read and imported in a worker thread with its own app
context and database session; its pages then poll a JSON progress endpoint.
"""

from spendsense.web.imports import columns, pages  # noqa: F401  (routes register on the web blueprint)
