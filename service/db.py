"""One SQLAlchemy session per request, on top of the Flask-free factory in models.db."""

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from models.db import make_engine, make_sessionmaker


class Database:
    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        pool = {} if url.startswith("sqlite") else {
            "pool_size": app.config["DB_POOL_SIZE"], "max_overflow": app.config["DB_MAX_OVERFLOW"],
            "pool_timeout": app.config["DB_POOL_TIMEOUT"]}
        engine = make_engine(url, **pool)
        app.extensions["db"] = {"engine": engine, "sessionmaker": make_sessionmaker(engine)}
        # Per request, even when a test keeps an app context open across requests.
        app.teardown_request(self._close)
        app.teardown_appcontext(self._close)

    @property
    def engine(self):
        return current_app.extensions["db"]["engine"]

    @property
    def sessionmaker(self):
        """The app's factory, for work that outlives the request's session (a streamed turn)."""
        return current_app.extensions["db"]["sessionmaker"]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self.sessionmaker()
        return g.db_session

    @staticmethod
    def _close(_exc=None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()
