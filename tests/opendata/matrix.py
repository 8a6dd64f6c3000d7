"""Matrix rows of the open-data API (opendata/api.py, namespace "api"): public on purpose,
the same answer for everybody. The project row reads the commons matrix's published project."""

from tests.matrix import Row

PUBLIC = {"default": 200}

ROWS = {
    "api:api-root": Row({"default": 404}),
    "api:openapi-json": Row(PUBLIC),
    "api:programmes": Row(PUBLIC),
    "api:projects": Row(PUBLIC, query="q=halle&page=2"),
    "api:project": Row(PUBLIC, kwargs=lambda w: {"slug": w["commons_publication"].slug}),
    "api:challenges": Row(PUBLIC),
    "api:outcomes": Row(PUBLIC),
}
