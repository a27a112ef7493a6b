"""Build the django-ninja API served under /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(title="Amity API", version="1", urls_namespace="api")
