"""The versioned web API (/api/v1/) and the personal access tokens that open it.

Built with django-ninja rather than Django REST framework: its schemas are pydantic types
that mypy checks, the OpenAPI 3 document is generated from those same types (so it cannot
drift from the code), an endpoint is a short typed function that calls the actions and the
permission helpers directly, as the site's views do, and it needs no serializer layer of its
own. See README.md ("The API") for tokens, scopes, errors and examples.
"""
