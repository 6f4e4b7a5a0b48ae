"""Error pages (400, 403, 404, 405, 500) in the console's layout and the user's language,
instead of Werkzeug's English ones."""

from __future__ import annotations

from flask import Flask, request
from flask_admin import Admin
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from models import db

#: HTTP status -> (title, what to tell the user).
PAGES = {
    400: (_l("The request could not be understood"),
          _l("Some data sent by the page were not valid. Go back, check the form and try again.")),
    403: (_l("This page is not for your role"),
          _l("Your role does not allow this page or this action. If you need it, ask an administrator.")),
    404: (_l("Page not found"),
          _l("The page or the record does not exist, or you may not see it.")),
    405: (_l("The request could not be understood"),
          _l("This address cannot be used this way: go back and use the page's buttons.")),
    500: (_l("Something went wrong"),
          _l("The console met an unexpected error and saved nothing. Try again; if it happens again, "
             "tell IT what you were doing.")),
}
CSRF_EXPIRED = _l("The form had expired (it was open too long, or you logged in again). "
                  "Reload the page and submit it again.")


def register_error_pages(app: Flask, admin: Admin) -> None:
    """Serve every error of ``PAGES`` with the console's page (menus, language, a way back)."""

    def handler(code: int):
        def render(error):
            if code >= 500:
                # A failed statement leaves the session unusable; the menus need it.
                db.session.rollback()
            title, text = PAGES[code]
            if isinstance(error, CSRFError):
                text = CSRF_EXPIRED
            body = admin.index_view.render(
                "admin/error.html", code=code, title=title, text=text,
                back=request.referrer if request.referrer != request.url else None,
            )
            return body, code

        return render

    for code in PAGES:
        app.register_error_handler(code, handler(code))
