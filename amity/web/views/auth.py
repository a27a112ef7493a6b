"""Sign in and out with Django's auth views and Amity's templates."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    """Show the sign-in form; a signed-in user goes straight on."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires) and return to the sign-in page."""
