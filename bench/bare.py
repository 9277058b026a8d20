"""The baseline: a bare Flask application with one route, served by the same gunicorn settings."""

from flask import Flask

app = Flask("bare")


@app.get("/hello")
def hello() -> str:
    return "hello"
