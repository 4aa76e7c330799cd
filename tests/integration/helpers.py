"""Helpers for integration tests: users of each role and logging in through the real form."""
from __future__ import annotations

from app.extensions import db
from tests.conftest import csrf_from

PASSWORD = "correct horse battery staple"


def make_user(app, username: str, role: str, password: str = PASSWORD):
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(username, username.title(), "Tester", f"{username}@example.om",
                           sm.find_role(role), password=password)
        assert user, f"could not create {username}"
        db.session.remove()
        return user.id


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/login/")
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=False)


def statements(app, client, url: str):
    """GETs url with the client; returns the response and the SQL statements its request ran."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return response, seen
