"""The back office answers, in both languages, for a logged-in administrator."""
from tests.integration.helpers import login, make_user


def test_admin_lists_companies(app, client):
    make_user(app, "admin1", "Admin")
    response = login(client, "admin1")
    assert response.status_code == 302
    page = client.get("/companyview/list/")
    assert page.status_code == 200
    assert "CR number" in page.get_data(as_text=True)
