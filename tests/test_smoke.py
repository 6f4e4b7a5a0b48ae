"""Every list page answers for its roles."""

from views import VIEWS


def test_every_list_view_renders_for_admin_like_roles(client_for):
    for role in ("operatore", "pal", "amministrazione", "servizio_sociale", "admin"):
        client = client_for(role)
        for view_cls, _model, _name, endpoint, _cat in VIEWS:
            allowed = "r" in view_cls.permissions.get(role, "")
            r = client.get(f"/admin/{endpoint}/")
            assert r.status_code == (200 if allowed else 403), (role, endpoint, r.status_code)
